package org.passkvm.appliance;

/** A setting PassKVM cannot start with; the message names the key and the problem in one line. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
