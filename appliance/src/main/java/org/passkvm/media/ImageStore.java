package org.passkvm.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.passkvm.files.DataFiles;
import org.passkvm.web.Refusal;
import org.tinylog.Logger;

/**
 * The image folder. Every image arrives through a hidden temporary file ({@code .NAME.part}), is checksummed on the
 * way, fsynced and renamed into place, so a listed "ready" image is always whole; a crash leaves only temporary files,
 * which the next start deletes. Each image's SHA-256 sits next to it in {@code .NAME.sha256} with the size and
 * modification time it belongs to; files copied in by hand are checksummed in the background.
 */
public final class ImageStore implements AutoCloseable {

    /**
     * @param quotaBytes the most all images may take together; 0 = only the disk's free space limits them
     * @param reserveBytes free space always left on the disk (the data folder shares it with logs and state)
     * @param maxImageBytes the largest single image
     */
    public record Limits(long quotaBytes, long reserveBytes, long maxImageBytes) {
    }

    static final int BUFFER_BYTES = 1 << 20;
    /** How often the free space is checked while writing: statvfs is cheap, but not per block. */
    private static final long CHECK_EVERY_BYTES = 16L << 20;
    private static final String PART = ".part";
    private static final long MB = 1024 * 1024;

    private final Path dir;
    private final FileStore disk;
    private final Limits limits;
    private final Object lock = new Object();
    private final Map<String, Transfer> transfers = new ConcurrentHashMap<>();
    private final Map<String, ImageInfo> failures = new ConcurrentHashMap<>();
    private final Checksums checksums;
    private volatile Predicate<String> inUse = name -> false;

    private ImageStore(Path dir, FileStore disk, Limits limits) {
        this.dir = dir;
        this.disk = disk;
        this.limits = limits;
        this.checksums = new Checksums(dir);
    }

    /** Opens (creating) the folder and removes what an interrupted transfer left behind. */
    public static ImageStore open(Path dir, Limits limits) throws IOException {
        Files.createDirectories(dir);
        ImageStore store = new ImageStore(dir.toAbsolutePath(), Files.getFileStore(dir), limits);
        store.cleanLeftovers();
        return store;
    }

    public Path directory() {
        return dir;
    }

    public Limits limits() {
        return limits;
    }

    /** Tells the store which image the drive shows: that one cannot be deleted or overwritten. */
    void inUse(Predicate<String> check) {
        inUse = check;
    }

    Object lock() {
        return lock;
    }

    private void cleanLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String f = p.getFileName().toString();
                boolean part = f.startsWith(".") && f.endsWith(PART);
                boolean orphanSum = Checksums.isOrphan(dir, f);
                if (part || orphanSum) {
                    long size = Files.size(p);
                    Files.delete(p);
                    Logger.info("Media: removed {} ({} bytes) left by an interrupted transfer", f, size);
                }
            }
        }
        DataFiles.syncDirectory(dir);
    }

    // ---- listing ----

    public List<ImageInfo> list() throws IOException {
        List<ImageInfo> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String f = p.getFileName().toString();
                if (f.startsWith(".") || !Files.isRegularFile(p) || transfers.containsKey(f)) {
                    continue;
                }
                try {
                    out.add(describe(f));
                } catch (NoSuchFileException gone) {
                    // deleted while we listed
                }
            }
        }
        for (Transfer t : transfers.values()) {
            out.add(new ImageInfo(t.name().value(), t.done(), null, t.kind() == Transfer.Kind.UPLOAD ? "uploading" : "fetching",
                false, null, t.progress(), t.source(), null));
        }
        for (ImageInfo failed : failures.values()) {
            if (!transfers.containsKey(failed.name()) && !Files.exists(dir.resolve(failed.name()))) {
                out.add(failed);
            }
        }
        out.sort(Comparator.comparing(ImageInfo::name));
        return out;
    }

    /** A ready image's entry; 404 if there is none of that name, 409 while it is still arriving. */
    public ImageInfo info(ImageName name) throws IOException {
        if (transfers.containsKey(name.value())) {
            throw Refusal.conflict("image " + name + " is still being transferred");
        }
        if (!Files.isRegularFile(dir.resolve(name.value()))) {
            throw Refusal.notFound("no image " + name);
        }
        return describe(name.value());
    }

    /** The file of a whole, checksummed image, for the drive. */
    Path readyFile(ImageName name) throws IOException {
        ImageInfo info = info(name);
        if (!info.ready()) {
            throw Refusal.conflict("image " + name + " is " + info.state() + "; try again when it is ready");
        }
        return dir.resolve(name.value());
    }

    private ImageInfo describe(String name) throws IOException {
        Path file = dir.resolve(name);
        long size = Files.size(file);
        long mtime = Files.getLastModifiedTime(file).toMillis();
        String sha = checksums.known(name, size, mtime);
        boolean used = inUse.test(name);
        if (sha == null && used) {
            // A writable drive the target is changing: checksum it once it is ejected, not over and over now.
            return new ImageInfo(name, size, null, "ready", true, null, null, null, null);
        }
        if (sha == null) {
            checksums.computeLater(name);
        }
        return new ImageInfo(name, size, sha, sha == null ? "hashing" : "ready", used, null, null, null, null);
    }

    // ---- space ----

    public record Usage(long usedBytes, long freeBytes, long quotaBytes, long reserveBytes) {
    }

    public Usage usage() throws IOException {
        return new Usage(imageBytes(null) + transferBytes(null), disk.getUsableSpace(), limits.quotaBytes(),
            limits.reserveBytes());
    }

    /** Bytes of ready images, leaving out one about to be replaced (it goes when its successor lands). */
    private long imageBytes(String except) throws IOException {
        long sum = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String f = p.getFileName().toString();
                if (!f.startsWith(".") && !f.equals(except)) {
                    try {
                        sum += Files.size(p);
                    } catch (NoSuchFileException gone) {
                        // deleted meanwhile
                    }
                }
            }
        }
        return sum;
    }

    /** What other transfers have written or announced they will write. */
    private long transferBytes(Transfer except) {
        long sum = 0;
        for (Transfer t : transfers.values()) {
            if (t != except) {
                sum += Math.max(t.done(), t.total());
            }
        }
        return sum;
    }

    /**
     * Refuses an image of {@code incoming} bytes (-1: unknown yet) that would not fit: too large past the size limit or the
     * quota, no space past the disk's free space. Called before the first byte is read, and again while writing.
     */
    void checkRoom(Transfer t, long incoming) throws IOException {
        if (incoming > limits.maxImageBytes()) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "image " + t.name() + " is " + mb(incoming) + "; the largest allowed is "
                + mb(limits.maxImageBytes()) + " (media.max_image_mb)");
        }
        long still = Math.max(0, incoming - t.done());
        // The disk's free space already lacks what every transfer wrote; subtract what the others still announce.
        long free = disk.getUsableSpace() - limits.reserveBytes() - othersPending(t);
        if (incoming >= 0 && still > free) {
            throw new Refusal(Refusal.Kind.NO_SPACE, "not enough space for " + t.name() + ": it is " + mb(incoming) + ", "
                + mb(Math.max(0, free + t.done())) + " is free on the image disk (keeping " + mb(limits.reserveBytes())
                + " in reserve)");
        }
        if (limits.quotaBytes() > 0) {
            long used = imageBytes(t.name().value()) + transferBytes(t);
            long size = Math.max(incoming, t.done());
            if (used + size > limits.quotaBytes()) {
                throw new Refusal(Refusal.Kind.TOO_LARGE, "image " + t.name() + (incoming >= 0 ? " is " + mb(incoming) : " went past "
                    + mb(t.done())) + "; the image quota is " + mb(limits.quotaBytes()) + " (media.quota_mb) and "
                    + mb(used) + " is used by other images");
            }
        }
    }

    /** Bytes other transfers announced but have not written yet. */
    private long othersPending(Transfer except) {
        long sum = 0;
        for (Transfer t : transfers.values()) {
            if (t != except) {
                sum += Math.max(0, t.total() - t.done());
            }
        }
        return sum;
    }

    private void checkDiskDuring(Transfer t) throws IOException {
        // Stop while the next stretch between checks still fits, so the disk itself never runs full. A transfer of
        // announced length was checked up front; it only needs room for what is left of it.
        long next = t.total() >= 0 ? Math.min(CHECK_EVERY_BYTES, Math.max(0, t.total() - t.done())) : CHECK_EVERY_BYTES;
        if (disk.getUsableSpace() < limits.reserveBytes() + next) {
            throw new Refusal(Refusal.Kind.NO_SPACE, "the image disk is full: " + t.name() + " stopped after " + mb(t.done())
                + " (keeping " + mb(limits.reserveBytes()) + " in reserve)");
        }
        checkRoom(t, t.total() >= 0 ? t.total() : t.done());
    }

    static String mb(long bytes) {
        return bytes >= 10 * 1024 * MB ? String.format("%.1f GiB", bytes / (1024.0 * MB))
            : String.format("%.1f MiB", bytes / (double) MB);
    }

    // ---- writing ----

    /** Registers a transfer of {@code name}: 409 if that image is busy, 413/507 if the announced size cannot fit. */
    Transfer begin(ImageName name, Transfer.Kind kind, long length, String source) throws IOException {
        synchronized (lock) {
            if (inUse.test(name.value())) {
                throw Refusal.conflict("image " + name + " is in the drive: eject it before replacing it");
            }
            Transfer t = new Transfer(name, kind, length, source);
            if (transfers.putIfAbsent(name.value(), t) != null) {
                throw Refusal.conflict("image " + name + " is already being transferred");
            }
            try {
                checkRoom(t, length);
            } catch (IOException | RuntimeException e) {
                transfers.remove(name.value(), t);
                throw e;
            }
            failures.remove(name.value());
            return t;
        }
    }

    /**
     * Copies {@code in} into the image through its temporary file, checksumming and checking space on the way, then
     * makes it whole and visible atomically. On any failure the temporary file is deleted and the old image (if any)
     * stays as it was.
     */
    ImageInfo receive(Transfer t, InputStream in) throws IOException {
        String name = t.name().value();
        Path part = dir.resolve("." + name + PART);
        boolean committed = false;
        try {
            MessageDigest sha = Checksums.sha256();
            byte[] buf = new byte[BUFFER_BYTES];
            ByteBuffer wrapped = ByteBuffer.wrap(buf);
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                long sinceCheck = 0;
                for (int n; (n = read(t, in, buf)) != -1; ) {
                    sha.update(buf, 0, n);
                    wrapped.clear().limit(n);
                    try {
                        while (wrapped.hasRemaining()) {
                            out.write(wrapped);
                        }
                    } catch (IOException e) {
                        // ENOSPC from a disk filled by someone else: say so, not "internal error".
                        checkDiskDuring(t);
                        throw e;
                    }
                    t.advance(n);
                    if (t.total() >= 0 && t.done() > t.total()) {
                        throw Refusal.invalid("more data than the announced " + t.total() + " bytes");
                    }
                    sinceCheck += n;
                    if (sinceCheck >= CHECK_EVERY_BYTES) {
                        sinceCheck = 0;
                        checkDiskDuring(t);
                    }
                }
                if (t.total() >= 0 && t.done() != t.total()) {
                    throw Refusal.invalid("the transfer ended after " + t.done() + " of " + t.total() + " bytes");
                }
                if (t.done() == 0) {
                    throw Refusal.invalid("an empty image is of no use");
                }
                checkRoom(t, t.done());
                out.force(true); // the bytes are on the disk before the name points at them
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            Path target = dir.resolve(name);
            synchronized (lock) {
                if (inUse.test(name)) {
                    throw Refusal.conflict("image " + name + " was put in the drive meanwhile; not replaced");
                }
                move(part, target);
                committed = true;
                checksums.record(name, hex, Files.size(target), Files.getLastModifiedTime(target).toMillis());
                DataFiles.syncDirectory(dir);
            }
            Logger.info("Media: {} stored ({} bytes, sha256 {})", name, t.done(), hex);
            return describe(name);
        } finally {
            transfers.remove(name, t);
            if (!committed) {
                Files.deleteIfExists(part);
            }
        }
    }

    private static int read(Transfer t, InputStream in, byte[] buf) throws IOException {
        if (t.cancelled()) {
            throw Refusal.conflict("transfer of " + t.name() + " cancelled");
        }
        try {
            return in.read(buf);
        } catch (IOException e) {
            if (t.cancelled()) {
                throw Refusal.conflict("transfer of " + t.name() + " cancelled");
            }
            // The sender went away or broke off: its fault, not ours (a disk error would come from the write).
            throw Refusal.invalid("the transfer of " + t.name() + " broke off after " + t.done() + " bytes: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** Drops a transfer that failed before {@link #receive} took it over. */
    void abandon(Transfer t) {
        transfers.remove(t.name().value(), t);
    }

    /** Remembers why a download failed, so the listing can say so. */
    void failed(Transfer t, String message) {
        failures.put(t.name().value(), new ImageInfo(t.name().value(), 0, null, "failed", false, null, t.progress(),
            t.source(), message));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes an image, cancels its transfer, or forgets its failed download. */
    public void delete(ImageName name) throws IOException {
        synchronized (lock) {
            Transfer t = transfers.get(name.value());
            if (t != null) {
                t.cancel();
                Logger.info("Media: transfer of {} cancelled", name);
                return;
            }
            boolean forgot = failures.remove(name.value()) != null;
            Path file = dir.resolve(name.value());
            if (!Files.isRegularFile(file)) {
                if (forgot) {
                    return;
                }
                throw Refusal.notFound("no image " + name);
            }
            if (inUse.test(name.value())) {
                throw Refusal.conflict("image " + name + " is in the drive: eject it first");
            }
            Files.delete(file);
            checksums.forget(name.value());
            DataFiles.syncDirectory(dir);
            Logger.info("Media: {} deleted", name);
        }
    }

    Optional<Transfer> transfer(ImageName name) {
        return Optional.ofNullable(transfers.get(name.value()));
    }

    @Override
    public void close() {
        transfers.values().forEach(Transfer::cancel);
        checksums.close();
    }
}
