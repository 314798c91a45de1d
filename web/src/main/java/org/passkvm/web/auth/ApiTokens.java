package org.passkvm.web.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.passkvm.files.DataFiles;

/**
 * Bearer tokens for scripts. Only a SHA-256 of each token is stored: the token has 256 random
 * bits, so a fast hash is enough and a stolen {@code tokens.json} opens nothing.
 */
public final class ApiTokens {

    /** A stored token: its id (shown, revocable), owner, label and the hash of its secret. */
    public record Token(String id, String user, String label, String sha256, long createdEpochSecond) {}

    /** What the creator sees once: the secret itself is never stored. */
    public record Issued(Token token, String secret) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "pkvm_";

    private final Path file;
    private final List<Token> tokens = new ArrayList<>();

    public ApiTokens(Path dataDir) throws IOException {
        this.file = dataDir.resolve("tokens.json");
        if (Files.exists(file)) {
            tokens.addAll(JSON.readValue(file.toFile(), new TypeReference<List<Token>>() {}));
        }
    }

    public synchronized Issued create(String user, String label) throws IOException {
        String secret = PREFIX + Sessions.randomToken();
        Token t = new Token(Sessions.randomToken().substring(0, 12), user, label, sha256(secret), Instant.now().getEpochSecond());
        tokens.add(t);
        save();
        return new Issued(t, secret);
    }

    public synchronized List<Token> of(String user) {
        return tokens.stream().filter(t -> user == null || t.user().equals(user)).toList();
    }

    public synchronized boolean revoke(String id, String user) throws IOException {
        boolean removed = tokens.removeIf(t -> t.id().equals(id) && (user == null || t.user().equals(user)));
        if (removed) {
            save();
        }
        return removed;
    }

    public synchronized boolean exists(String id) {
        return tokens.stream().anyMatch(t -> t.id().equals(id));
    }

    public synchronized void revokeAllOf(String user) throws IOException {
        if (tokens.removeIf(t -> t.user().equals(user))) {
            save();
        }
    }

    public synchronized Optional<Token> verify(String secret) {
        if (!secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] hash = sha256(secret).getBytes(StandardCharsets.US_ASCII);
        return tokens.stream()
                .filter(t -> MessageDigest.isEqual(t.sha256().getBytes(StandardCharsets.US_ASCII), hash))
                .findFirst();
    }

    private void save() throws IOException {
        DataFiles.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tokens));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
