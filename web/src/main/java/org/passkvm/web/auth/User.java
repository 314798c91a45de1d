package org.passkvm.web.auth;

import org.passkvm.web.Role;

/**
 * An account as stored in {@code users.json}.
 *
 * @param mustChangePassword the password was generated or provisioned: the user has to choose
 *     their own before anything but the password change is allowed
 * @param totpSecret base32 TOTP secret when the second factor is on, else null
 */
public record User(String name, Role role, String passwordHash, boolean mustChangePassword, String totpSecret) {

    public User withPassword(String hash) {
        return new User(name, role, hash, false, totpSecret);
    }

    public User withRole(Role newRole) {
        return new User(name, newRole, passwordHash, mustChangePassword, totpSecret);
    }

    public User withTotp(String secret) {
        return new User(name, role, passwordHash, mustChangePassword, secret);
    }
}
