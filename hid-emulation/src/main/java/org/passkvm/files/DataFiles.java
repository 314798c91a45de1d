package org.passkvm.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes state so that a power cut leaves either the old or the new file, never half of one:
 * write a sibling temporary file, fsync it, rename it over the target, fsync the directory.
 */
public final class DataFiles {

    private DataFiles() {}

    public static void writeAtomically(Path target, byte[] content) throws IOException {
        write(target, content, false);
    }

    /** Like {@link #writeAtomically}, readable by the owner only (passwords, keys, tokens). */
    public static void writeSecret(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    private static void write(Path target, byte[] content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(dir);
    }

    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some filesystems refuse to open directories; the rename itself is still atomic there.
        }
    }
}
