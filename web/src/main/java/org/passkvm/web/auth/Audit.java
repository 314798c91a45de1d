package org.passkvm.web.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * The audit log: one JSON line per login, user change and state-changing request (power, VMs,
 * media, input) in {@code <data-dir>/audit.log}. Lines are appended and never rewritten, so a
 * power cut can at worst lose the last line. The file rolls over at a size limit.
 */
public final class Audit {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BYTES = 4 * 1024 * 1024;

    private final Path file;

    public Audit(Path dataDir) {
        this.file = dataDir.resolve("audit.log");
    }

    public synchronized void record(String user, String address, String action, String target, int status) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("user", user);
        line.put("address", address);
        line.put("action", action);
        line.put("target", target);
        line.put("status", status);
        try {
            if (Files.exists(file) && Files.size(file) > MAX_BYTES) {
                Files.move(file, file.resolveSibling("audit.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.write(file, (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.DSYNC);
        } catch (IOException e) {
            Logger.warn("Could not write the audit log {}: {}", file, e.getMessage());
        }
    }

    /** The newest entries, newest last. */
    public synchronized List<Map<String, Object>> tail(int max) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file);
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l : lines.subList(Math.max(0, lines.size() - max), lines.size())) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = JSON.readValue(l, Map.class);
                out.add(m);
            } catch (IOException e) {
                // a torn last line after a power cut: skip it
            }
        }
        return out;
    }
}
