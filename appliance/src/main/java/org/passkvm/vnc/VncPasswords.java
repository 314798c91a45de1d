package org.passkvm.vnc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.passkvm.files.DataFiles;
import org.passkvm.web.Role;
import org.passkvm.web.auth.Accounts;
import org.passkvm.web.auth.CredentialRoutes;
import org.passkvm.web.auth.User;

/**
 * Who may log in over VNC, with what role. VNC authentication sends no user name and uses the password itself as
 * the DES key, so each user who turns VNC on gets a generated password of their own, stored readable (as IPMI's are)
 * in {@code <data-dir>/vnc-users.json} (mode 0600), never the login password; the answer to a challenge tells whose it
 * was. Roles are looked up at every login: a viewer sees, an operator or admin also types and points.
 */
public final class VncPasswords {

    /** A user who answered the challenge, with the role they have now. */
    record Login(String user, Role role) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final Path file;
    private final Accounts accounts;
    private final Map<String, String> secrets = new TreeMap<>();
    private volatile Consumer<String> onChange = user -> {};

    public VncPasswords(Path dataDir, Accounts accounts) throws IOException {
        this.file = dataDir.resolve("vnc-users.json");
        this.accounts = accounts;
        if (Files.exists(file)) {
            secrets.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
        }
    }

    /** Called with the user whose VNC password was replaced or removed: their open VNC sessions end. */
    void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }

    /** The user whose password answers this challenge, if they may still log in. */
    Optional<Login> match(byte[] challenge, byte[] response) {
        Map<String, String> copy;
        synchronized (this) {
            copy = Map.copyOf(secrets);
        }
        String found = null;
        for (Map.Entry<String, String> e : copy.entrySet()) {
            // Every entry is tried, so the time taken does not tell which (if any) matched.
            if (MessageDigest.isEqual(VncAuth.response(e.getValue(), challenge), response) && found == null) {
                found = e.getKey();
            }
        }
        return Optional.ofNullable(found).flatMap(accounts::find).filter(u -> !u.mustChangePassword())
                .map(u -> new Login(u.name(), u.role()));
    }

    public synchronized boolean enabled(String user) {
        return secrets.containsKey(user);
    }

    /** Turns VNC on for a user with a new generated password and returns it: it is shown once. */
    public String enable(String user) throws IOException {
        User u = accounts.find(user).orElseThrow(() -> new IllegalArgumentException("no user '" + user + "'"));
        String secret;
        synchronized (this) {
            do {
                secret = generate();
            } while (secrets.containsValue(secret)); // the password identifies the user: never two alike
            secrets.put(u.name(), secret);
            save();
        }
        onChange.accept(user);
        return secret;
    }

    public void disable(String user) throws IOException {
        synchronized (this) {
            if (secrets.remove(user) == null) {
                return;
            }
            save();
        }
        onChange.accept(user);
    }

    private void save() throws IOException {
        DataFiles.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(secrets));
    }

    private static String generate() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < VncAuth.MAX_PASSWORD; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** {@code GET/POST/DELETE /api/vnc/credentials[?user=NAME]}: every user may have one (viewers watch only). */
    public CredentialRoutes routes(int port) {
        return new CredentialRoutes("/api/vnc/credentials", "VNC", Role.VIEWER, port,
                new CredentialRoutes.Store(this::enabled, (user, body) -> enable(user), this::disable),
                (user, password) -> "vncviewer <address>::" + port + "   (VNC password: " + password + ")");
    }

    static boolean mayType(Role role) {
        return role.allows(Role.OPERATOR);
    }
}
