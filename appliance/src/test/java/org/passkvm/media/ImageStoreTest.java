package org.passkvm.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Await;
import org.passkvm.web.Refusal;

class ImageStoreTest {

    @TempDir
    Path dir;

    private static final ImageStore.Limits ROOMY = new ImageStore.Limits(0, 0, 1L << 40);

    private ImageInfo upload(ImageStore store, String name, byte[] content) throws Exception {
        Transfer t = store.begin(new ImageName(name), Transfer.Kind.UPLOAD, content.length, "upload");
        return store.receive(t, new ByteArrayInputStream(content));
    }

    @Test
    void leftoversOfInterruptedTransfersAreRemovedAtOpen() throws Exception {
        Files.write(dir.resolve(".debian.iso.part"), new byte[1000]);
        Files.writeString(dir.resolve(".gone.iso.sha256"), "ab 1 1\n");
        Files.write(dir.resolve("kept.iso"), new byte[10]);
        ImageStore store = ImageStore.open(dir, ROOMY);
        assertThat(dir.resolve(".debian.iso.part")).doesNotExist();
        assertThat(dir.resolve(".gone.iso.sha256")).doesNotExist();
        assertThat(dir.resolve("kept.iso")).exists();
        store.close();
    }

    @Test
    void halfWrittenImageIsListedAsUploadingAndIsNotMountable() throws Exception {
        ImageStore store = ImageStore.open(dir, ROOMY);
        CountDownLatch firstBlock = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            int sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent == 0) {
                    sent = 1000;
                    return 1000;
                }
                firstBlock.countDown();
                try {
                    finish.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
        Transfer t = store.begin(new ImageName("half.iso"), Transfer.Kind.UPLOAD, -1, "upload");
        AtomicReference<ImageInfo> result = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                result.set(store.receive(t, slow));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        assertThat(firstBlock.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.list()).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo("uploading");
            assertThat(i.progress().bytes()).isEqualTo(1000);
        });
        assertThat(dir.resolve("half.iso")).doesNotExist();
        assertThatThrownBy(() -> store.readyFile(new ImageName("half.iso"))).isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.CONFLICT));
        assertThatThrownBy(() -> store.begin(new ImageName("half.iso"), Transfer.Kind.UPLOAD, 1, "upload"))
            .isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.CONFLICT)).hasMessageContaining("already being transferred");
        finish.countDown();
        writer.join(10_000);
        assertThat(result.get().state()).isEqualTo("ready");
        assertThat(result.get().sha256()).hasSize(64);
        store.close();
    }

    @Test
    void truncatedUploadKeepsTheOldImage() throws Exception {
        ImageStore store = ImageStore.open(dir, ROOMY);
        upload(store, "a.img", new byte[] {1, 2, 3});
        Transfer t = store.begin(new ImageName("a.img"), Transfer.Kind.UPLOAD, 10, "upload");
        assertThatThrownBy(() -> store.receive(t, new ByteArrayInputStream(new byte[5])))
            .isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.INVALID)).hasMessageContaining("5 of 10");
        assertThat(Files.readAllBytes(dir.resolve("a.img"))).containsExactly(1, 2, 3);
        assertThat(store.list()).singleElement().extracting(ImageInfo::state).isEqualTo("ready");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.img", ".a.img.sha256");
        }
        store.close();
    }

    @Test
    void imageInUseCannotBeReplacedOrDeleted() throws Exception {
        ImageStore store = ImageStore.open(dir, ROOMY);
        upload(store, "used.iso", new byte[100]);
        store.inUse("used.iso"::equals);
        assertThatThrownBy(() -> upload(store, "used.iso", new byte[5])).isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.CONFLICT));
        assertThatThrownBy(() -> store.delete(new ImageName("used.iso"))).isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.CONFLICT));
        store.inUse(n -> false);
        store.delete(new ImageName("used.iso"));
        assertThat(store.list()).isEmpty();
        store.close();
    }

    @Test
    void quotaAndSizeLimitRefuseBeforeReading() throws Exception {
        ImageStore store = ImageStore.open(dir, new ImageStore.Limits(1000, 0, 600));
        upload(store, "first.img", new byte[500]);
        assertThatThrownBy(() -> store.begin(new ImageName("big.img"), Transfer.Kind.UPLOAD, 700, "upload"))
            .isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.TOO_LARGE)).hasMessageContaining("largest allowed");
        assertThatThrownBy(() -> store.begin(new ImageName("second.img"), Transfer.Kind.UPLOAD, 600, "upload"))
            .isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.TOO_LARGE)).hasMessageContaining("quota");
        // Replacing an image counts without the one it replaces.
        upload(store, "first.img", new byte[600]);
        store.close();
    }

    @Test
    void fileCopiedInByHandIsChecksummedInTheBackground() throws Exception {
        Files.write(dir.resolve("scp.iso"), new byte[] {'a', 'b', 'c'});
        ImageStore store = ImageStore.open(dir, ROOMY);
        ImageInfo info = Await.value(Duration.ofSeconds(10), () -> {
            ImageInfo now = store.list().get(0);
            assertThat(now.state()).isIn("hashing", "ready"); // hashing until it is ready, nothing else
            return now;
        }, i -> i.state().equals("ready"), "scp.iso checksummed");
        assertThat(info.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        store.close();
    }

    @Test
    void namesCannotLeaveTheFolderOrReachHiddenFiles() {
        for (String bad : new String[] {"..", "../x", "a/b", "a\\b", ".part", "x\u0000y", " lead", "trail ", "",
                "a".repeat(201)}) {
            assertThatThrownBy(() -> new ImageName(bad)).as(bad).isInstanceOfSatisfying(Refusal.class, kind(Refusal.Kind.INVALID));
        }
        for (String good : new String[] {"debian-12.8.0-amd64-netinst.iso", "Win11_23H2_English_x64v2.iso",
                "ubuntu 24.04 (server).iso", "a"}) {
            assertThat(new ImageName(good).value()).isEqualTo(good);
        }
    }

    private static Consumer<Refusal> kind(Refusal.Kind kind) {
        return e -> assertThat(e.kind()).isEqualTo(kind);
    }
}
