package org.passkvm.web;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the web server runs.
 *
 * @param httpRedirectPort a plain-HTTP port that only redirects to HTTPS, or 0 for none
 * @param certFile PEM chain; with {@code keyFile} generated on first start when both are missing
 */
public record WebSettings(
        String bindAddress,
        int httpsPort,
        int httpRedirectPort,
        Path dataDir,
        Path certFile,
        Path keyFile,
        String hostname,
        Duration sessionIdleTimeout,
        Duration sessionAbsoluteTimeout,
        int loginMaxFailures,
        Duration loginLockout) {}
