package org.passkvm.hid.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drive's configfs choreography against a folder laid out like the kernel's (the real kernel: MediaKernelTest). */
class MassStorageDriveTest {

    @TempDir
    Path tmp;
    Path gadget;
    Path sysfs;
    Path lun;
    Path image;

    @BeforeEach
    void kernelLikeFolders() throws IOException {
        gadget = Files.createDirectories(tmp.resolve("usb_gadget/passkvm"));
        Files.createDirectories(gadget.resolve("configs/c.1"));
        Files.createDirectories(gadget.resolve("functions"));
        Files.writeString(gadget.resolve("UDC"), "dummy_udc.0\n");
        sysfs = tmp.resolve("sys");
        Files.createDirectories(sysfs.resolve("class/udc/dummy_udc.0"));
        Files.writeString(sysfs.resolve("class/udc/dummy_udc.0/state"), "configured\n");
        image = Files.write(tmp.resolve("debian.iso"), new byte[4096]);
    }

    private void stockLun() throws IOException {
        lun = Files.createDirectories(gadget.resolve("functions/mass_storage.usb0/lun.0"));
        for (String a : new String[] {"file", "cdrom", "ro", "removable", "nofua", "inquiry_string", "forced_eject"}) {
            Files.writeString(lun.resolve(a), a.equals("removable") ? "1\n" : a.equals("file") ? "\n" : "0\n");
        }
    }

    private MassStorageDrive driveOnAStockLun() throws IOException {
        stockLun();
        return MassStorageDrive.of(gadget, sysfs);
    }

    private String attr(String name) throws IOException {
        return Files.readString(lun.resolve(name)).strip();
    }

    @Test
    void cdromInsertSetsModeReadOnlyIdentityAndFileAndRebinds() throws IOException {
        MassStorageDrive drive = driveOnAStockLun();
        drive.insert(image, DriveMode.CDROM, true, InquiryString.DEFAULT, false);
        assertThat(attr("cdrom")).isEqualTo("1");
        assertThat(attr("ro")).isEqualTo("1");
        assertThat(attr("file")).isEqualTo(image.toAbsolutePath().toString());
        assertThat(Files.readString(lun.resolve("inquiry_string"))).hasSize(28).startsWith("PassKVM Virtual Media");
        assertThat(Files.readString(gadget.resolve("UDC"))).as("bound again after the mode switch").isEqualTo("dummy_udc.0");
        DriveState s = drive.state();
        assertThat(s.image()).contains(image.toAbsolutePath());
        assertThat(s.mode()).isEqualTo(DriveMode.CDROM);
        assertThat(s.hostConfigured()).isTrue();
    }

    @Test
    void ejectEmptiesTheFileAttribute() throws IOException {
        MassStorageDrive drive = driveOnAStockLun();
        drive.insert(image, DriveMode.FLASH, false, InquiryString.DEFAULT, false);
        assertThat(attr("ro")).isEqualTo("0");
        drive.eject(false);
        assertThat(attr("file")).isEmpty();
        assertThat(drive.state().image()).isEmpty();
    }

    @Test
    void writableCdromIsRefused() throws IOException {
        MassStorageDrive drive = driveOnAStockLun();
        assertThatThrownBy(() -> drive.insert(image, DriveMode.CDROM, false, InquiryString.DEFAULT, false))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
    }

    @Test
    void attributesTheKernelLacksAreNeverWritten() throws IOException {
        stockLun();
        Files.delete(lun.resolve("inquiry_string"));
        Files.delete(lun.resolve("forced_eject"));
        MassStorageDrive drive = MassStorageDrive.of(gadget, sysfs);
        drive.insert(image, DriveMode.FLASH, true, InquiryString.DEFAULT, false);
        assertThat(lun.resolve("inquiry_string")).doesNotExist();
        assertThat(lun.resolve("inquiry_string_cdrom")).doesNotExist();
        assertThat(drive.capabilities()).isEqualTo(
            new DriveCapabilities(false, false, false, MassStorageDrive.STOCK_CDROM_MAX_BYTES));
    }

    @Test
    void dvdPatchedKernelLiftsTheCdromLimit() throws IOException {
        stockLun();
        Files.writeString(lun.resolve("inquiry_string_cdrom"), "\n");
        assertThat(MassStorageDrive.of(gadget, sysfs).capabilities().cdromMaxBytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void stockCdromLimitIsTheLargestCdAddress() {
        assertThat(MassStorageDrive.STOCK_CDROM_MAX_BYTES).isEqualTo(1_151_999L * 2048).isEqualTo(2_359_293_952L);
    }

    @Test
    void gadgetWithoutTheFunctionGetsItAddedAndLinked() throws IOException {
        MassStorageDrive.of(gadget, sysfs);
        Path function = gadget.resolve("functions/mass_storage.usb0");
        assertThat(function).isDirectory();
        assertThat(Files.readSymbolicLink(gadget.resolve("configs/c.1/mass_storage.usb0"))).isEqualTo(function);
        assertThat(Files.readString(gadget.resolve("UDC"))).isEqualTo("dummy_udc.0");
    }

    @Test
    void missingImageIsReported() throws IOException {
        MassStorageDrive drive = driveOnAStockLun();
        assertThatThrownBy(() -> drive.insert(tmp.resolve("gone.iso"), DriveMode.FLASH, true, InquiryString.DEFAULT, false))
            .isInstanceOf(IOException.class).hasMessageContaining("gone.iso");
    }

    @Test
    void inquiryStringIsPaddedToItsFieldsAndChecked() {
        assertThat(new InquiryString("ACME", "Disk", "1").attribute())
            .isEqualTo("ACME    Disk            1   ");
        assertThatThrownBy(() -> new InquiryString("TOOLONGVENDOR", "x", "1")).hasMessageContaining("vendor");
        assertThatThrownBy(() -> new InquiryString("ok", "caf\u00e9", "1")).hasMessageContaining("ASCII");
    }
}
