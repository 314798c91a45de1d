package org.passkvm.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.hid.storage.InquiryString;
import org.passkvm.hid.storage.MassStorageDrive;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.KernelChecks;

/**
 * Runs inside the test VM (as root, on Debian's kernel with dummy_hcd): starts the appliance as on a Pi (HID on the
 * USB gadget, which carries the mass-storage function too) and checks through the REST API what the host side of
 * dummy_hcd sees. Reports through {@link KernelChecks}, which MediaKernelTest turns into one test per check.
 */
public final class MediaKernelScenario {

    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final Path GADGET = Path.of("/sys/kernel/config/usb_gadget/passkvm");
    private static MediaClient api;
    private static final KernelChecks checks = new KernelChecks();

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("media-kernel");
        Path images = data.resolve("images");
        Files.createDirectories(images);
        // A small disk of its own, so that "larger than the free space" is real.
        // 72 MiB: the four images (19 MiB) and the later 32 MiB speed image fit; filling the rest through TLS in the
        // emulated CPU is the scenario's longest step, so no bigger.
        sh("mount -t tmpfs -o size=72m tmpfs " + images);
        // The appliance as on a Pi: HID on the USB gadget (auto), which gets the mass-storage function through the
        // hook; media (auto) finds the drive in that same gadget. Video (and with it VNC) and VM control are off: under
        // the VM's emulated CPU they took three of the appliance's four minutes to start, for nothing checked here.
        TestAppliance app = TestAppliance.start(data, "media:\n  reserve_mb: 0\n  images_dir: " + images + "\n"
                + "video:\n  source: off\nvm:\n  uri: off\n");
        api = MediaClient.of(app);
        byte[] cd = random(2 * 1024 * 1024, 1);
        byte[] cd2 = random(3 * 1024 * 1024, 2);
        byte[] stick = random(8 * 1024 * 1024, 3);
        byte[] stick2 = random(6 * 1024 * 1024, 4);
        try {
            check("one-composite-gadget-with-hid-and-mass-storage", () -> {
                JsonNode s = api.json(api.get("/api/media"));
                expect(s.get("implementation").asText().equals("gadget"), "media implementation " + s);
                JsonNode health = api.json(api.get("/api/health"));
                expect(health.at("/capabilities/hid/implementation").asText().equals("gadget"), "hid " + health);
                expect(health.at("/capabilities/hid/state").asText().equals("configured"), "host state " + health);
                List<String> functions;
                try (Stream<Path> f = Files.list(GADGET.resolve("functions"))) {
                    functions = f.map(p -> p.getFileName().toString()).sorted().toList();
                }
                expect(functions.contains("mass_storage.usb0") && functions.contains("hid.keyboard"), "functions " + functions);
                return "functions " + functions + ", forcedEject " + s.at("/capabilities/forcedEject");
            });
            check("upload-and-list-sha256", () -> {
                for (var e : List.of(new Object[] {"cd.iso", cd}, new Object[] {"cd2.iso", cd2},
                        new Object[] {"stick.img", stick}, new Object[] {"stick2.img", stick2})) {
                    HttpResponse<String> r = api.put("/api/media/images/" + e[0], (byte[]) e[1]);
                    expect(r.statusCode() == 201, "upload " + e[0] + ": " + r.statusCode() + " " + r.body());
                    expect(api.image((String) e[0]).get("sha256").asText().equals(sha256((byte[]) e[1])), "sha of " + e[0]);
                }
                return "4 images";
            });
            check("cdrom-host-sees-sr-with-same-sha256", () -> {
                mount("cd.iso", "cdrom", true);
                String dev = hostDevice("sr");
                expect(deviceSha(dev, cd.length).equals(sha256(cd)), "sha256 of /dev/" + dev);
                JsonNode s = api.json(api.get("/api/media"));
                expect(s.get("hostConnected").asBoolean(), "hostConnected: " + s);
                return "/dev/" + dev + " " + s.at("/mounted");
            });
            check("cdrom-switch-image", () -> {
                mount("cd2.iso", "cdrom", true);
                String dev = hostDevice("sr");
                expect(deviceSha(dev, cd2.length).equals(sha256(cd2)), "sha256 after switch");
                return "/dev/" + dev + " now shows cd2.iso";
            });
            check("eject-removes-medium", () -> {
                HttpResponse<String> r = api.post("/api/media/eject", "");
                expect(r.statusCode() == 200, r.body());
                String dev = hostDevice("sr");
                String error = openError(dev);
                expect(error != null && error.contains("No medium"), "open /dev/" + dev + " after eject: " + error);
                return "open /dev/" + dev + ": " + error;
            });
            check("locked-medium-needs-force", () -> {
                mount("cd.iso", "cdrom", true);
                String dev = hostDevice("sr");
                Process lock = new ProcessBuilder("python3", "-c", "import os,fcntl,time\n"
                    + "fd=os.open('/dev/" + dev + "',os.O_RDONLY|os.O_NONBLOCK)\n"
                    + "fcntl.ioctl(fd,0x5329,1)\nprint('locked',flush=True)\ntime.sleep(30)\n").start();
                try {
                    String line = new BufferedReader(new InputStreamReader(lock.getInputStream())).readLine();
                    expect("locked".equals(line), "python lock helper said " + line);
                    HttpResponse<String> plain = api.post("/api/media/eject", "{}");
                    expect(plain.statusCode() == 409 && plain.body().contains("locked"), "plain eject: " + plain.body());
                    HttpResponse<String> forced = api.post("/api/media/eject", "{\"force\":true}");
                    expect(forced.statusCode() == 200, "forced eject: " + forced.body());
                    expect(api.json(forced).get("mounted").isNull(), "still mounted after forced eject");
                    return "plain: 409 " + api.json(plain).get("error").asText() + "; forced: 200";
                } finally {
                    lock.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            });
            check("flash-writable-host-writes-land-in-file", () -> {
                mount("stick.img", "flash", false); // mode switch: the gadget re-enumerates
                String dev = hostDevice("sd");
                expect(deviceSha(dev, stick.length).equals(sha256(stick)), "sha256 of /dev/" + dev);
                Path payload = Files.createTempFile("payload", ".bin");
                byte[] sector = Arrays.copyOf("WRITTEN-BY-THE-HOST".getBytes(StandardCharsets.US_ASCII), 512);
                Files.write(payload, sector);
                sh("dd if=" + payload + " of=/dev/" + dev + " bs=512 seek=10 conv=notrunc,fsync oflag=direct status=none");
                expect(api.post("/api/media/eject", "").statusCode() == 200, "eject");
                byte[] back = new byte[512];
                try (RandomAccessFile f = new RandomAccessFile(images.resolve("stick.img").toFile(), "r")) {
                    f.seek(10 * 512);
                    f.readFully(back);
                }
                expect(Arrays.equals(back, sector), "sector 10 of stick.img: " + new String(back, 0, 19, StandardCharsets.US_ASCII));
                return "/dev/" + dev + " sector 10 -> stick.img offset 5120";
            });
            check("flash-read-only-switch-image", () -> {
                mount("stick2.img", "flash", true);
                String dev = hostDevice("sd");
                expect(deviceSha(dev, stick2.length).equals(sha256(stick2)), "sha256 after switch");
                String ro = Files.readString(SYS_BLOCK.resolve(dev).resolve("ro")).strip();
                expect(ro.equals("1"), "/sys/block/" + dev + "/ro = " + ro);
                api.post("/api/media/eject", "");
                return "/dev/" + dev + " read-only, shows stick2.img";
            });
            check("stock-kernel-cdrom-limit", () -> {
                // What the API guards against: the kernel shows only the first 2.2 GiB of a larger CD image.
                Path big = Files.createTempFile("big", ".iso");
                sh("truncate -s 2500M " + big);
                MassStorageDrive drive = MassStorageDrive.of(GADGET, Path.of("/sys"));
                drive.insert(big, DriveMode.CDROM, true, InquiryString.DEFAULT, false);
                String dev = hostDevice("sr");
                openError(dev); // opening makes the host re-read the capacity
                long bytes = Long.parseLong(Files.readString(SYS_BLOCK.resolve(dev).resolve("size")).strip()) * 512;
                drive.eject(true);
                expect(bytes == MassStorageDrive.STOCK_CDROM_MAX_BYTES, "host sees " + bytes + " bytes");
                return "2500 MiB file, host sees " + bytes + " bytes";
            });
            check("upload-larger-than-free-space-refused-early", () -> {
                String answer = api.rawPutHeadersOnly("/api/media/images/huge.iso", 500L * 1024 * 1024);
                expect(answer.startsWith("HTTP/1.1 507") && answer.contains("not enough space"), answer);
                return answer.substring(answer.indexOf("{"));
            });
            check("chunked-upload-filling-the-disk-stops-and-frees-its-space", () -> {
                long before = Files.getFileStore(images).getUsableSpace();
                int status;
                try {
                    status = api.send(api.builder("/api/media/images/filler.img").PUT(
                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () -> new MediaApiTest.PatternStream(300L * 1024 * 1024, null))).build()).statusCode();
                } catch (IOException e) {
                    status = -1; // connection closed while sending: refused as well
                }
                long after = Files.getFileStore(images).getUsableSpace();
                expect(status == 507 || status == -1, "status " + status);
                expect(api.image("filler.img") == null, "listed");
                try (Stream<Path> files = Files.list(images)) {
                    expect(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "part file left");
                }
                expect(after >= before - 1024 * 1024, "free before " + before + ", after " + after);
                return "status " + status + ", free space back to " + after;
            });
            check("bench-host-read-throughput", () -> {
                HttpResponse<String> r = api.send(api.builder("/api/media/images/speed.img").PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new MediaApiTest.PatternStream(32L * 1024 * 1024, null))).build());
                expect(r.statusCode() == 201, "upload speed.img: " + r.body());
                mount("speed.img", "flash", true);
                String dev = hostDevice("sd");
                openError(dev);
                long t0 = System.nanoTime();
                sh("dd if=/dev/" + dev + " of=/dev/null bs=1M iflag=direct status=none");
                double seconds = (System.nanoTime() - t0) / 1e9;
                String figure = String.format("%.1f MB/s (32 MiB in %.2f s)", 32 * 1.048576 / seconds, seconds);
                System.out.println("BENCH host-read " + figure);
                api.post("/api/media/eject", "");
                return figure;
            });
        } finally {
            app.close();
            sh("umount " + images);
        }
        checks.exit();
    }

    private static void mount(String image, String mode, boolean readOnly) throws Exception {
        HttpResponse<String> r = api.post("/api/media/mount",
            "{\"image\":\"" + image + "\",\"mode\":\"" + mode + "\",\"readOnly\":" + readOnly + "}");
        expect(r.statusCode() == 200, "mount " + image + ": " + r.statusCode() + " " + r.body());
    }

    /** The host-side block device ("sr0", "sda", ...) behind dummy_hcd, waiting for it to appear after a re-plug. */
    private static String hostDevice(String prefix) {
        return Await.every(Duration.ofMillis(250)).valueOf(Duration.ofSeconds(60), () -> {
            try (Stream<Path> blocks = Files.list(SYS_BLOCK)) {
                return blocks.filter(b -> b.getFileName().toString().startsWith(prefix))
                    .filter(b -> {
                        try {
                            return b.toRealPath().toString().contains("dummy_hcd");
                        } catch (IOException e) {
                            return false;
                        }
                    }).map(b -> b.getFileName().toString()).findFirst();
            }
        }, dev -> dev.isPresent() && Files.exists(Path.of("/dev", dev.get())), "/dev/" + prefix + "* of dummy_hcd").orElseThrow();
    }

    /** SHA-256 of the first {@code length} bytes of a host block device, read past the page cache. */
    private static String deviceSha(String dev, long length) {
        record Read(String sha256, String sectors) {}
        // The host notices a medium change on open; read until the new medium's size shows.
        return Await.every(Duration.ofMillis(500)).valueOf(Duration.ofSeconds(30), () -> {
            String out = shOut("dd if=/dev/" + dev + " iflag=direct bs=64K status=none | head -c " + length + " | sha256sum");
            return new Read(out.split(" ")[0], out.isEmpty() ? "" : Files.readString(SYS_BLOCK.resolve(dev).resolve("size")).strip());
        }, r -> r.sectors().equals(Long.toString(length / 512)), "/dev/" + dev + " showing " + length / 512 + " sectors").sha256();
    }

    private static String openError(String dev) {
        try (RandomAccessFile f = new RandomAccessFile("/dev/" + dev, "r")) {
            f.read();
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static void check(String name, KernelChecks.Check body) {
        checks.check(name, body);
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("'" + command + "' failed with " + p.exitValue());
        }
    }

    private static String shOut(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
