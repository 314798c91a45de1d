package org.passkvm.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.passkvm.web.Refusal;
import org.tinylog.Logger;

/**
 * Downloads images from http(s) URLs into the store, in the background, with the same checks as an upload. Redirects
 * are followed except from https to http; certificates are checked unless the request says {@code insecure}.
 */
final class ImageFetcher implements AutoCloseable {

    private final ImageStore store;
    private final Duration connectTimeout;
    private final Duration stallTimeout;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "media-fetch");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "media-fetch-watchdog");
            t.setDaemon(true);
            return t;
        });
    private final HttpClient checked;
    private final HttpClient unchecked;

    ImageFetcher(ImageStore store, Duration connectTimeout, Duration stallTimeout) {
        this.store = store;
        this.connectTimeout = connectTimeout;
        this.stallTimeout = stallTimeout;
        this.checked = client(null);
        this.unchecked = client(trustAll());
    }

    private HttpClient client(SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL) // never https -> http
            .connectTimeout(connectTimeout)
            .executor(workers);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build();
    }

    /** Starts a download; the returned transfer shows its progress in the image list. */
    Transfer start(ImageName name, String url, boolean insecure) throws IOException {
        URI uri = parse(url);
        Transfer t = store.begin(name, Transfer.Kind.FETCH, -1, uri.toString());
        workers.execute(() -> run(t, uri, insecure));
        return t;
    }

    static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw Refusal.invalid("a url is required");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw Refusal.invalid("not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw Refusal.invalid("only http and https URLs can be fetched, got '" + url + "'");
        }
        if (uri.getHost() == null) {
            throw Refusal.invalid("the URL has no host: " + url);
        }
        if (uri.getRawUserInfo() != null) {
            throw Refusal.invalid("credentials in the URL are not supported");
        }
        return uri;
    }

    private void run(Transfer t, URI uri, boolean insecure) {
        // HttpClient has no read timeout for a streamed body: a server that stops sending is cut off here.
        long[] seen = {-1};
        var stallCheck = watchdog.scheduleAtFixedRate(() -> {
            if (t.done() == seen[0]) {
                t.abort("the server sent nothing for " + stallTimeout.toSeconds() + " s");
            }
            seen[0] = t.done();
        }, stallTimeout.toMillis(), stallTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).GET().header("User-Agent", "PassKVM").build();
            HttpResponse<InputStream> response = (insecure ? unchecked : checked)
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                t.onCancel(body);
                if (response.statusCode() != 200) {
                    throw new IOException("the server answered " + response.statusCode() + " for " + response.uri());
                }
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (length >= 0) {
                    t.total(length);
                    store.checkRoom(t, length); // refuse before the first byte, as for uploads
                }
                store.receive(t, body);
            }
        } catch (Refusal e) {
            fail(t, e.getMessage());
        } catch (SSLException e) {
            fail(t, "TLS failed (" + e.getMessage() + "); if the server's certificate is self-signed and you trust it, "
                + "fetch again with \"insecure\": true");
        } catch (HttpTimeoutException e) {
            fail(t, "the server did not answer in time: " + e.getMessage());
        } catch (IOException e) {
            fail(t, t.cancelled() ? "cancelled" : e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(t, "interrupted");
        } catch (RuntimeException e) {
            Logger.error(e, "Media: fetching {} failed", uri);
            fail(t, "internal error: " + e);
        } finally {
            stallCheck.cancel(false);
        }
    }

    private void fail(Transfer t, String message) {
        // store.receive cleans up its temporary file; a failure before it started has to drop the transfer itself.
        store.abandon(t);
        if (t.abortReason() != null) {
            message = t.abortReason();
        }
        if (!t.cancelled() || t.abortReason() != null) {
            store.failed(t, message);
        }
        Logger.warn("Media: fetching {} from {} failed: {}", t.name(), t.source(), message);
    }

    /** For "insecure": the checks of an X509ExtendedTrustManager include the host name, so none is done at all. */
    private static SSLContext trustAll() {
        X509ExtendedTrustManager none = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {none}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        workers.shutdownNow();
    }
}
