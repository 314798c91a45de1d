package org.passkvm.hid.gadget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tinylog.Logger;

/**
 * A folder in configfs. Attributes are files the kernel creates with the folder; which ones exist depends on the
 * kernel version (stock kernels lack e.g. f_mass_storage's inquiry_string_cdrom, and writing a missing one fails),
 * so optional attributes are probed before they are written.
 */
public final class ConfigfsDirectory {

    private final Path path;

    ConfigfsDirectory(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public boolean has(String attribute) {
        return Files.exists(path.resolve(attribute));
    }

    /** Writes an attribute the function cannot work without. */
    public void write(String attribute, String value) throws IOException {
        write(attribute, value.getBytes(StandardCharsets.UTF_8));
    }

    public void write(String attribute, byte[] value) throws IOException {
        Path file = path.resolve(attribute);
        if (!Files.exists(file)) {
            throw new IOException("this kernel has no configfs attribute " + file);
        }
        Files.write(file, value);
    }

    /** Writes an attribute only if this kernel has it; returns whether it did. */
    public boolean writeIfPresent(String attribute, String value) throws IOException {
        if (!has(attribute)) {
            Logger.debug("configfs: {} has no {}, leaving it out", path, attribute);
            return false;
        }
        write(attribute, value);
        return true;
    }

    public String read(String attribute) throws IOException {
        return Files.readString(path.resolve(attribute), StandardCharsets.UTF_8).strip();
    }

    /** Creates (or reuses) a sub-folder; configfs fills it with the attributes of its kind. */
    public ConfigfsDirectory child(String name) throws IOException {
        Path dir = path.resolve(name);
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
        }
        return new ConfigfsDirectory(dir);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
