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
import org.passkvm.files.DataFiles;
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

    /**
     * What a login needs: the HMAC/MD5 key and the highest privilege level the user may take.
     * {@code real} is false for a decoy: a name that may not log in over IPMI, answered alike.
     */
    record Login(String name, byte[] key, int maxPrivilege, boolean real) {}

    /** IPMI 1.5 passwords are at most 16 bytes; 2.0 allows 20, but one password should serve both. */
    public static final int MAX_LENGTH = 16;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Accounts accounts;
    private final Map<String, String> secrets = new TreeMap<>();
    /** This device's secret for decoy keys: stable across restarts, never sent anywhere. */
    private final byte[] decoySecret;

    public IpmiUsers(Path dataDir, Accounts accounts) throws IOException {
        this.file = dataDir.resolve("ipmi-users.json");
        this.accounts = accounts;
        if (Files.exists(file)) {
            secrets.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
        }
        Path decoy = dataDir.resolve("ipmi-decoy.key");
        if (Files.exists(decoy) && Files.size(decoy) == 32) {
            decoySecret = Files.readAllBytes(decoy);
        } else {
            decoySecret = new byte[32];
            RANDOM.nextBytes(decoySecret);
            DataFiles.writeSecret(decoy, decoySecret);
        }
    }

    /**
     * The login for {@code name}, or a decoy when it may not log in over IPMI (no such user, IPMI
     * off for it, a viewer, a password still to be changed): a key derived from this device's
     * secret and the name, so RAKP 2 and the 1.5 challenge look the same for every name, the same
     * name gets the same key every time, and the login then fails at the password check.
     */
    Login loginOrDecoy(String name) {
        return login(name).orElseGet(() -> new Login(name, decoyKey(name), IpmiSession.ADMINISTRATOR, false));
    }

    byte[] decoyKey(String name) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(decoySecret, "HmacSHA256"));
            return java.util.Arrays.copyOf(mac.doFinal(("ipmi-decoy:" + name).getBytes(StandardCharsets.UTF_8)), MAX_LENGTH);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
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
                .map(u -> new Login(name, secret.getBytes(StandardCharsets.UTF_8), privilegeOf(u), true));
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
