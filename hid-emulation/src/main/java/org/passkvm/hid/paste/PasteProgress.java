package org.passkvm.hid.paste;

import java.util.List;
import org.passkvm.hid.keymap.UntypableChar;

/**
 * Where a paste job stands.
 *
 * @param state idle (no job yet), typing, done, aborted or failed
 * @param typed characters typed so far (a CR LF counts as one)
 * @param total characters the job will type
 * @param skipped characters left out because the layout cannot type them (only with skipUntypable)
 * @param error why a failed job stopped, else null
 */
public record PasteProgress(State state, String layout, int typed, int total, int delayMs,
        List<UntypableChar> skipped, String error, long startedAtMillis, long finishedAtMillis) {

    public enum State { IDLE, TYPING, DONE, ABORTED, FAILED }

    static final PasteProgress IDLE = new PasteProgress(State.IDLE, null, 0, 0, 0, List.of(), null, 0, 0);

    public boolean running() {
        return state == State.TYPING;
    }
}
