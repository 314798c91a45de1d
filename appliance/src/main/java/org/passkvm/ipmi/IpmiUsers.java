package org.passkvm.ipmi;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.passkvm.web.DataFiles;
import org.passkvm.web.Role;
import org.passkvm.web.auth.Accounts;
import org.passkvm.web.auth.User;

/**
 * Who may log in over IPMI: PassKVM users with the operator or admin role who turned IPMI on for
 * themselves. RAKP and the IPMI 1.5 MD5 code use the password itself as the key, so, as on every
 * BMC, it must be stored readable; it is therefore a separate IPMI password, never the login
 * password, kept in {@code <data-dir>/ipmi-users.json} (mode 0600). A user's role is looked up at
 * every login, so demoting or deleting a user ends their IPMI access too.
 */
public final class IpmiUsers {

    /** What a login needs: the HMAC/MD5 key and the highest privilege level the user may take. */
    record Login(String name, byte[] key, int maxPrivilege) {}

    /** IPMI 1.5 passwords are at most 16 bytes; 2.0 allows 20, but one password should serve both. */
    public static final int MAX_LENGTH = 16;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Accounts accounts;
    private final Map<String, String> secrets = new TreeMap<>();

    public IpmiUsers(Path dataDir, Accounts accounts) throws IOException {
        this.file = dataDir.resolve("ipmi-users.json");
        this.accounts = accounts;
        if (Files.exists(file)) {
            secrets.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
        }
    }

    Optional<Login> login(String name) {
        String secret;
        synchronized (this) {
            secret = secrets.get(name);
        }
        if (secret == null) {
            return Optional.empty();
        }
        return accounts.find(name).filter(u -> u.role().allows(Role.OPERATOR) && !u.mustChangePassword())
                .map(u -> new Login(name, secret.getBytes(StandardCharsets.UTF_8), privilegeOf(u)));
    }

    static int privilegeOf(User u) {
        return u.role() == Role.ADMIN ? IpmiSession.ADMINISTRATOR : IpmiSession.OPERATOR;
    }

    public synchronized boolean enabled(String name) {
        return secrets.containsKey(name);
    }

    /**
     * Turns IPMI on for a user with the given password, or a generated one when null.
     *
     * @return the password to give to ipmitool's -P
     */
    public synchronized String enable(String name, String password) throws IOException {
        User u = accounts.find(name).orElseThrow(() -> new IllegalArgumentException("no user '" + name + "'"));
        if (!u.role().allows(Role.OPERATOR)) {
            throw new IllegalArgumentException("IPMI is for operators and admins; " + name + " is " + u.role().name().toLowerCase());
        }
        String secret = password == null ? generate() : password;
        if (secret.length() < 8 || secret.length() > MAX_LENGTH || !secret.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("IPMI password must be 8 to " + MAX_LENGTH
                    + " printable ASCII characters without spaces (IPMI 1.5 keys are 16 bytes)");
        }
        secrets.put(name, secret);
        save();
        return secret;
    }

    public synchronized void disable(String name) throws IOException {
        if (secrets.remove(name) != null) {
            save();
        }
    }

    private void save() throws IOException {
        DataFiles.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(secrets));
    }

    private static String generate() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < MAX_LENGTH; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
