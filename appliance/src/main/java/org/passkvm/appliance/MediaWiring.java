package org.passkvm.appliance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * Runs after {@link HidWiring}, whose choice it follows.
 */
final class MediaWiring {

    enum Output { AUTO, GADGET, DEMO, NONE }

    static final Path CONFIGFS_GADGETS = Path.of("/sys/kernel/config/usb_gadget");
    private static final long MB = 1024L * 1024;

    private MediaWiring() {}

    static void wire(Parts parts) throws IOException {
        Config media = parts.config().section("media");
        Output choice = media.choice("output", Output.AUTO);
        Path images = Path.of(media.string("images_dir", parts.dataDir().resolve("images").toString()));
        ImageStore.Limits limits = new ImageStore.Limits(
            media.integer("quota_mb", 0, 0, Integer.MAX_VALUE) * MB,
            media.integer("reserve_mb", 256, 0, Integer.MAX_VALUE) * MB,
            media.integer("max_image_mb", 64 * 1024, 1, Integer.MAX_VALUE) * MB);
        String gadgetName = media.string("gadget", "passkvm");
        Config inquiry = media.section("inquiry");
        InquiryString identity;
        try {
            identity = new InquiryString(inquiry.string("vendor", InquiryString.DEFAULT.vendor()),
                inquiry.string("product", InquiryString.DEFAULT.product()),
                inquiry.string("revision", InquiryString.DEFAULT.revision()));
        } catch (IllegalArgumentException e) {
            throw inquiry.bad("vendor/product/revision", e.getMessage());
        }
        Duration stall = media.millis("fetch_stall_ms", 60_000, 1_000, 3_600_000);

        String hid = hidImplementation(parts);
        Path gadget = CONFIGFS_GADGETS.resolve(gadgetName);
        if (choice == Output.AUTO) {
            choice = hid.equals("ch9329") ? Output.NONE : Files.isDirectory(gadget) ? Output.GADGET : Output.DEMO;
        }
        MediaModule module = switch (choice) {
            case GADGET -> MediaModule.gadget(images, limits, MassStorageDrive.of(gadget, Path.of("/sys")), identity, stall);
            case DEMO -> MediaModule.demo(images, limits, stall);
            default -> MediaModule.absent(images, limits, stall, hid.equals("ch9329")
                ? "no virtual media on the CH9329 HID path: the CH9329 is only a keyboard and mouse; images can be "
                    + "stored, but presenting them needs the USB OTG gadget (hid.output: gadget)"
                : "virtual media is turned off (media.output: none)");
        };
        parts.own(module);
        module.register(parts.web().api());
        VirtualMedia vm = module.media();
        Logger.info("Virtual media: {} drive, images in {}", vm.drive().implementation(), images);
        parts.web().health().add("media", () -> {
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
        });
    }

    /**
     * The hook for the gadget builder: adds the mass-storage function to the composite gadget unless virtual media is
     * turned off, so the drive is there from the first bind (no extra re-plug when {@link #wire} finds it).
     */
    static GadgetConfig withDrive(Parts parts, GadgetConfig gadget) {
        Output choice = parts.config().section("media").choice("output", Output.AUTO);
        return choice == Output.NONE || choice == Output.DEMO ? gadget : gadget.withExtraFunction(new MassStorageFunction());
    }

    /** What the HID wiring chose ("gadget", "ch9329", "demo"), as it reported it to the health endpoint. */
    private static String hidImplementation(Parts parts) {
        Health.Capability hid = parts.web().health().snapshot().get("hid");
        return hid == null ? "none" : hid.implementation();
    }
}
