package org.passkvm.web;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Locale;

/**
 * Where the plain-HTTP port sends a browser: the name it used if that is one of this device's own (its configured
 * name, that name under .local, localhost, or one of its addresses), otherwise the configured name. Echoing any
 * Host header would let a forged one turn the device into a redirector to another site.
 */
final class RedirectHosts {

    private final String hostname;

    RedirectHosts(String hostname) {
        this.hostname = hostname.toLowerCase(Locale.ROOT);
    }

    /** @param hostHeader the request's Host, with or without a port; may be null */
    String pick(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return fallback();
        }
        String host = hostHeader.toLowerCase(Locale.ROOT).strip();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? "" : host.substring(0, end + 1);
        } else {
            host = host.replaceFirst(":\\d*$", "");
        }
        if (host.equals(hostname) || host.equals(hostname + ".local") || host.equals("localhost") || isOwnAddress(host)) {
            return host;
        }
        return fallback();
    }

    private String fallback() {
        return hostname.contains(".") ? hostname : hostname + ".local";
    }

    private static boolean isOwnAddress(String host) {
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-f:]+(%\\w+)?") || !literal.matches(".*[.:].*")) {
            return false; // only literals: a name would be looked up in DNS
        }
        try {
            InetAddress address = InetAddress.getByName(literal);
            if (address.isLoopbackAddress()) {
                return true;
            }
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (Collections.list(nic.getInetAddresses()).contains(address)) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException | SecurityException e) {
            return false;
        }
    }
}
