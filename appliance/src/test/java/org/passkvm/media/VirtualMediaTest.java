package org.passkvm.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.web.Refusal;

class VirtualMediaTest {

    @TempDir
    Path dir;

    private ImageStore storeWith(String name, int size) throws Exception {
        ImageStore store = ImageStore.open(dir, new ImageStore.Limits(0, 0, 1L << 40));
        store.receive(store.begin(new ImageName(name), Transfer.Kind.UPLOAD, size, "upload"),
            new ByteArrayInputStream(new byte[size]));
        return store;
    }

    @Test
    void cdImageLargerThanTheKernelCanPresentIsRefusedWithFlashOffered() throws Exception {
        // The demo drive has the stock limit; a small stand-in limit keeps the test file small.
        VirtualDrive smallCd = new DemoDrive(700 * 2048);
        VirtualMedia media = new VirtualMedia(storeWith("win11.iso", 800 * 2048), smallCd);
        assertThat(media.images()).singleElement().extracting(ImageInfo::cdrom).isEqualTo(false);
        assertThatThrownBy(() -> media.mount(new ImageName("win11.iso"), DriveMode.CDROM, true, false))
            .isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.CONFLICT))
            .hasMessageContaining("larger than").hasMessageContaining("mode \"flash\"");
        assertThat(media.mount(new ImageName("win11.iso"), DriveMode.FLASH, true, false).mounted().mode()).isEqualTo("flash");
        media.close();
    }

    @Test
    void ch9329PathSaysPlainlyThatThereIsNoMassStorage() throws Exception {
        VirtualMedia media = new VirtualMedia(storeWith("a.iso", 300 * 2048),
            new AbsentDrive("no virtual media on the CH9329 HID path"));
        assertThat(media.state().unavailable()).contains("CH9329");
        assertThatThrownBy(() -> media.mount(new ImageName("a.iso"), DriveMode.CDROM, true, false))
            .isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.CONFLICT)).hasMessageContaining("CH9329");
        media.close();
    }

    private static Consumer<Refusal> kind(Refusal.Kind kind) {
        return e -> assertThat(e.kind()).isEqualTo(kind);
    }
}
