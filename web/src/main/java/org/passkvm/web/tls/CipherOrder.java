package org.passkvm.web.tls;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The server's cipher preference, cheapest first for the CPU it runs on. Every MJPEG and H.264 byte is encrypted, so
 * the cipher is part of the cost of a frame: AES-128-GCM where the CPU has AES instructions (a quarter fewer rounds
 * than the JDK's first choice, AES-256, and as strong for this use), ChaCha20-Poly1305 where it has none — the
 * Raspberry Pi 4's Cortex-A72 lacks the ARMv8 crypto extensions, where AES runs as table lookups and ChaCha20 in
 * NEON. The suites offered stay the same; only their order changes.
 */
public final class CipherOrder {

    /** Per key exchange (TLS 1.3's own, then TLS 1.2's ECDSA and RSA): AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305. */
    private static final List<List<String>> BY_KEY_EXCHANGE = List.of(
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"),
            List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));

    private CipherOrder() {
    }

    /** The suites in preference order for a CPU with ({@code true}) or without AES instructions. */
    public static List<String> forCpu(boolean aesInstructions) {
        return BY_KEY_EXCHANGE.stream()
                .flatMap(g -> (aesInstructions ? g : List.of(g.get(2), g.get(0), g.get(1))).stream())
                .toList();
    }

    /** For this JVM's CPU: HotSpot's {@code UseAES} is on exactly when the CPU has AES instructions. */
    public static List<String> forThisCpu() {
        return forCpu(hasAesInstructions());
    }

    static boolean hasAesInstructions() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseAES").getValue());
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot, or no jdk.management: keep AES first, the JDK's own default
        }
    }
}
