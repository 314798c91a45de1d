package org.passkvm.web.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.passkvm.files.DataFiles;
import org.passkvm.web.Role;
import org.tinylog.Logger;

/**
 * The user accounts, kept in {@code <data-dir>/users.json}. There is never a fixed default
 * password: the first admin gets the provisioned one or a random one written to
 * {@code initial-admin-password}, which must be changed at first login.
 */
public final class Accounts {

    public static final String INITIAL_PASSWORD_FILE = "initial-admin-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Path dataDir;
    private final PasswordHasher hasher;
    private final Map<String, User> users = new LinkedHashMap<>();
    /** Scripts using HTTP Basic send the password with every request; Argon2id on each would cost ~100 ms on a Pi. */
    private final Map<String, String> verifiedBasic = new ConcurrentHashMap<>();
    private volatile String dummyHash;

    private Accounts(Path dataDir, PasswordHasher hasher) {
        this.dataDir = dataDir;
        this.file = dataDir.resolve("users.json");
        this.hasher = hasher;
    }

    /**
     * Loads the accounts, creating the admin on first start.
     *
     * @param provisionedPassword from PASSKVM_ADMIN_PASSWORD, or null to generate one
     */
    public static Accounts open(Path dataDir, PasswordHasher hasher, String provisionedPassword) throws IOException {
        Accounts accounts = new Accounts(dataDir, hasher);
        accounts.load();
        if (accounts.users.isEmpty()) {
            accounts.createFirstAdmin(provisionedPassword);
        }
        return accounts;
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<User> stored = JSON.readValue(file.toFile(), new TypeReference<List<User>>() {});
        stored.forEach(u -> users.put(u.name(), u));
    }

    private void createFirstAdmin(String provisioned) throws IOException {
        if (provisioned != null && !provisioned.isEmpty()) {
            put(new User("admin", Role.ADMIN, hasher.hash(provisioned), false, null));
            Logger.info("Created user 'admin' with the provisioned password (PASSKVM_ADMIN_PASSWORD)");
            return;
        }
        String generated = randomPassword();
        put(new User("admin", Role.ADMIN, hasher.hash(generated), true, null));
        Path out = dataDir.resolve(INITIAL_PASSWORD_FILE);
        DataFiles.writeSecret(out, (generated + "\n").getBytes(StandardCharsets.UTF_8));
        Logger.info("Created user 'admin'; its one-time password is in {} and must be changed at first login", out);
    }

    public synchronized Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    public synchronized List<User> all() {
        return new ArrayList<>(users.values());
    }

    /** Checks a name and password; unknown names cost as much as wrong passwords, so they cannot be told apart. */
    public Optional<User> authenticate(String name, String password) {
        User user = find(name).orElse(null);
        if (user == null) {
            hasher.verify(password, dummyHash());
            return Optional.empty();
        }
        String fingerprint = fingerprint(name, password);
        if (user.passwordHash().equals(verifiedBasic.get(fingerprint))) {
            return Optional.of(user);
        }
        if (!hasher.verify(password, user.passwordHash())) {
            return Optional.empty();
        }
        verifiedBasic.put(fingerprint, user.passwordHash());
        return Optional.of(user);
    }

    public synchronized User create(String name, Role role, String password) throws IOException {
        if (!name.matches("[a-z_][a-z0-9_.-]{0,31}")) {
            throw new IllegalArgumentException("user name must be 1-32 characters: lower-case letters, digits, '_', '.', '-'");
        }
        if (users.containsKey(name)) {
            throw new IllegalArgumentException("user '" + name + "' exists already");
        }
        checkStrength(password);
        User user = new User(name, role, hasher.hash(password), false, null);
        put(user);
        return user;
    }

    public synchronized User changePassword(String name, String newPassword) throws IOException {
        checkStrength(newPassword);
        User user = require(name).withPassword(hasher.hash(newPassword));
        put(user);
        verifiedBasic.clear();
        if (name.equals("admin")) {
            Files.deleteIfExists(dataDir.resolve(INITIAL_PASSWORD_FILE));
        }
        return user;
    }

    public synchronized User update(User user) throws IOException {
        require(user.name());
        put(user);
        verifiedBasic.clear();
        return user;
    }

    public synchronized void delete(String name) throws IOException {
        User user = require(name);
        if (user.role() == Role.ADMIN && users.values().stream().filter(u -> u.role() == Role.ADMIN).count() == 1) {
            throw new IllegalArgumentException("cannot delete the last admin");
        }
        users.remove(name);
        verifiedBasic.clear();
        save();
    }

    public static void checkStrength(String password) {
        if (password == null || password.length() < 8) {
            throw new IllegalArgumentException("password must have at least 8 characters");
        }
        if (password.length() > 256) {
            throw new IllegalArgumentException("password must have at most 256 characters");
        }
    }

    private User require(String name) {
        User user = users.get(name);
        if (user == null) {
            throw new IllegalArgumentException("no user '" + name + "'");
        }
        return user;
    }

    private void put(User user) throws IOException {
        users.put(user.name(), user);
        save();
    }

    private void save() throws IOException {
        DataFiles.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new ArrayList<>(users.values())));
    }

    private static String randomPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String fingerprint(String name, String password) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((name + "\0" + password).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = hasher.hash("not a password");
            dummyHash = h;
        }
        return h;
    }

    static Map<String, Object> describe(User u) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", u.name());
        m.put("role", u.role().name().toLowerCase());
        m.put("totp", u.totpSecret() != null);
        m.put("mustChangePassword", u.mustChangePassword());
        return m;
    }
}
