package org.passkvm.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.passkvm.files.DataFiles;
import org.tinylog.Logger;

/**
 * The images' SHA-256 sums, each in a hidden {@code .NAME.sha256} next to its image together with the size and
 * modification time it was computed for: a sum whose file changed since (a writable drive, a copy by hand) is
 * unknown again and is recomputed in the background, one file at a time.
 */
final class Checksums implements AutoCloseable {

    static final String SUFFIX = ".sha256";

    private final Path dir;
    private final Set<String> hashing = ConcurrentHashMap.newKeySet();
    private final ExecutorService hasher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "media-hash");
        t.setDaemon(true);
        return t;
    });

    Checksums(Path dir) {
        this.dir = dir;
    }

    /** A sum file whose image is gone (left when a crash came between deleting the two). */
    static boolean isOrphan(Path dir, String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(SUFFIX)
            && !Files.exists(dir.resolve(fileName.substring(1, fileName.length() - SUFFIX.length())));
    }

    /** The hex sum of the image as it is now, or null if none is known for this size and time. */
    String known(String name, long size, long mtime) {
        try {
            String[] parts = Files.readString(file(name), StandardCharsets.US_ASCII).strip().split(" ");
            if (parts.length == 3 && Long.parseLong(parts[1]) == size && Long.parseLong(parts[2]) == mtime) {
                return parts[0];
            }
        } catch (IOException | NumberFormatException e) {
            // no (valid) sum file: unknown
        }
        return null;
    }

    void record(String name, String hex, long size, long mtime) throws IOException {
        DataFiles.writeAtomically(file(name), (hex + " " + size + " " + mtime + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    void forget(String name) throws IOException {
        Files.deleteIfExists(file(name));
    }

    /** Computes the sum of an image in the background unless that is already under way. */
    void computeLater(String name) {
        if (!hashing.add(name)) {
            return;
        }
        hasher.execute(() -> {
            Path image = dir.resolve(name);
            try {
                long size = Files.size(image);
                long mtime = Files.getLastModifiedTime(image).toMillis();
                MessageDigest sha = sha256();
                byte[] buf = new byte[ImageStore.BUFFER_BYTES];
                try (InputStream in = Files.newInputStream(image)) {
                    for (int n; (n = in.read(buf)) != -1; ) {
                        sha.update(buf, 0, n);
                    }
                }
                if (Files.size(image) == size && Files.getLastModifiedTime(image).toMillis() == mtime) {
                    record(name, HexFormat.of().formatHex(sha.digest()), size, mtime);
                    Logger.info("Media: checksummed {} ({} bytes)", name, size);
                }
            } catch (IOException e) {
                Logger.warn("Media: could not checksum {}: {}", name, e.getMessage());
            } finally {
                hashing.remove(name);
            }
        });
    }

    private Path file(String name) {
        return dir.resolve("." + name + SUFFIX);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @Override
    public void close() {
        hasher.shutdownNow();
    }
}
