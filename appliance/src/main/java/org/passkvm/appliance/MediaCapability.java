package org.passkvm.appliance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.hid.gadget.GadgetConfig;
import org.passkvm.hid.storage.InquiryString;
import org.passkvm.hid.storage.MassStorageDrive;
import org.passkvm.hid.storage.MassStorageFunction;
import org.passkvm.media.ImageStore;
import org.passkvm.media.MediaModule;
import org.passkvm.media.VirtualMedia;
import org.passkvm.web.Health;
import org.tinylog.Logger;

/**
 * Virtual media: the image store in the data directory, and the drive that presents images — the mass-storage
 * function of the USB gadget the HID side built, a simulated drive in demo mode, or none on the CH9329 path.
 * Runs after {@link HidCapability}, whose choice it follows.
 */
final class MediaCapability extends Capability {

    enum Output { AUTO, GADGET, DEMO, NONE }

    static final Path CONFIGFS_GADGETS = Path.of("/sys/kernel/config/usb_gadget");
    private static final long MB = 1024L * 1024;

    static final Setting<Output> OUTPUT = Setting.choice("output", Output.AUTO, "");
    static final Setting<String> IMAGES_DIR = Setting.text("images_dir", "", "").shown("<data-dir>/images");
    static final Setting<Integer> QUOTA_MB = Setting.integer("quota_mb", 0, 0, Integer.MAX_VALUE, "0 = no quota beyond the free space");
    static final Setting<Integer> RESERVE_MB = Setting.integer("reserve_mb", 256, 0, Integer.MAX_VALUE, "never fill the disk beyond this");
    static final Setting<Integer> MAX_IMAGE_MB = Setting.integer("max_image_mb", 64 * 1024, 1, Integer.MAX_VALUE, "");
    static final Setting<Duration> FETCH_STALL = Setting.millis("fetch_stall_ms", 60_000, 1_000, 3_600_000,
            "a download from a URL that stalls this long fails");
    static final Setting<String> GADGET = Setting.text("gadget", "passkvm", "the configfs gadget the mass-storage function joins");
    static final Setting<String> VENDOR = Setting.text("vendor", InquiryString.DEFAULT.vendor(), "");
    static final Setting<String> PRODUCT = Setting.text("product", InquiryString.DEFAULT.product(), "");
    static final Setting<String> REVISION = Setting.text("revision", InquiryString.DEFAULT.revision(), "")
            .shown("\"" + InquiryString.DEFAULT.revision() + "\"");

    static final Section SETTINGS = Section.of("media", OUTPUT, IMAGES_DIR, QUOTA_MB, RESERVE_MB, MAX_IMAGE_MB, FETCH_STALL, GADGET)
            .with(Section.of("inquiry", VENDOR, PRODUCT, REVISION).doc("SCSI inquiry strings the target sees")
                    .rule(inquiry -> inquiry(inquiry)));

    /** Media follows the HID choice: the drive is a function of the USB gadget, which a CH9329 does not have. */
    MediaCapability() {
        super("media", SETTINGS);
    }

    @Override
    List<String> needs() {
        return List.of("hid");
    }

    @Override
    String choose(Values media, Choices chosen) {
        Output choice = media.get(OUTPUT);
        if (choice == Output.AUTO) {
            String hid = chosen.of("hid");
            boolean hidGadget = hid.equals("gadget") && media.get(GADGET).equals(GadgetConfig.DEFAULT_NAME);
            choice = hid.equals("ch9329") || hid.equals("off") ? Output.NONE
                    : hidGadget || Files.isDirectory(CONFIGFS_GADGETS.resolve(media.get(GADGET))) ? Output.GADGET : Output.DEMO;
        }
        return partName(choice);
    }

    @Override
    Supplier<Health.Capability> start(String part, Values media, Parts parts, Choices chosen) throws IOException {
        String imagesDir = media.get(IMAGES_DIR);
        Path images = imagesDir.isBlank() ? parts.dataDir().resolve("images") : Path.of(imagesDir);
        ImageStore.Limits limits = new ImageStore.Limits(media.get(QUOTA_MB) * MB, media.get(RESERVE_MB) * MB,
            media.get(MAX_IMAGE_MB) * MB);
        InquiryString identity = inquiry(media.section("inquiry"));
        Duration stall = media.get(FETCH_STALL);
        Path gadget = CONFIGFS_GADGETS.resolve(media.get(GADGET));
        boolean ch9329 = chosen.of("hid").equals("ch9329");
        MediaModule module = switch (part) {
            case "gadget" -> MediaModule.gadget(images, limits, MassStorageDrive.of(gadget, Path.of("/sys")), identity, stall);
            case "demo" -> MediaModule.demo(images, limits, stall);
            default -> MediaModule.absent(images, limits, stall, ch9329
                ? "no virtual media on the CH9329 HID path: the CH9329 is only a keyboard and mouse; images can be "
                    + "stored, but presenting them needs the USB OTG gadget (hid.output: gadget)"
                : "virtual media is turned off (media.output: none)");
        };
        parts.own(module);
        module.register(parts.web().api());
        VirtualMedia vm = module.media();
        Logger.info("Virtual media: {} drive, images in {}", vm.drive().implementation(), images);
        return () -> {
            try {
                VirtualMedia.State s = vm.state();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("hostConnected", s.hostConnected());
                if (s.mounted() != null) {
                    details.put("image", s.mounted().image());
                    details.put("mode", s.mounted().mode());
                }
                String state = s.unavailable() != null ? "unavailable" : s.mounted() != null ? "mounted" : "empty";
                return new Health.Capability(s.implementation(), state, details);
            } catch (IOException e) {
                return new Health.Capability(vm.drive().implementation(), "error", Map.of("error", String.valueOf(e.getMessage())));
            }
        };
    }

    /**
     * The gadget builder's hook: the composite gadget gets the mass-storage function when media runs on it, so the
     * drive is there from the first bind (no extra re-plug when media starts).
     */
    static GadgetConfig withDrive(Choices chosen, GadgetConfig gadget) {
        return chosen.of("media").equals("gadget") ? gadget.withExtraFunction(new MassStorageFunction()) : gadget;
    }

    private static InquiryString inquiry(Values inquiry) {
        try {
            return new InquiryString(inquiry.get(VENDOR), inquiry.get(PRODUCT), inquiry.get(REVISION));
        } catch (IllegalArgumentException e) {
            throw inquiry.bad("vendor/product/revision", e.getMessage());
        }
    }
}
