package org.passkvm.hid.paste;

import java.util.List;
import java.util.stream.Collectors;
import org.passkvm.hid.keymap.UntypableChar;

/** A paste refused up front because its layout cannot type some of its characters; lists them. */
public final class UntypableTextException extends IllegalArgumentException {

    private static final int SHOWN = 10;
    private final transient List<UntypableChar> untypable;

    UntypableTextException(String layout, List<UntypableChar> untypable) {
        super("layout " + layout + " cannot type " + untypable.size() + " character"
                + (untypable.size() == 1 ? "" : "s") + ": "
                + untypable.stream().limit(SHOWN).map(UntypableChar::toString).collect(Collectors.joining(", "))
                + (untypable.size() > SHOWN ? ", …" : "")
                + "; choose another layout, remove them, or set skipUntypable to type the rest");
        this.untypable = List.copyOf(untypable);
    }

    public List<UntypableChar> untypable() {
        return untypable;
    }
}
