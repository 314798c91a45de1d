package org.passkvm.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An HTTPS client for tests against the appliance's self-signed certificate, with optional
 * cookies (a browser) and Basic credentials (a script).
 */
public final class TestHttps {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient client;
    private final String base;
    private final Duration requestTimeout;
    private String authorization;
    private String csrf;
    private String origin;

    private TestHttps(int port, boolean cookies) {
        this(port, cookies, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    private TestHttps(int port, boolean cookies, Duration connectTimeout, Duration requestTimeout) {
        this.base = "https://127.0.0.1:" + port;
        this.requestTimeout = requestTimeout;
        HttpClient.Builder b = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(connectTimeout);
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm(null);
        b.sslParameters(params);
        if (cookies) {
            b.cookieHandler(new CookieManager());
        }
        this.client = b.build();
    }

    public static TestHttps anonymous(int port) {
        return new TestHttps(port, false);
    }

    public static TestHttps basic(int port, String user, String password) {
        TestHttps t = new TestHttps(port, false);
        t.authorization = basicHeader(user, password);
        return t;
    }

    /**
     * Like {@link #basic(int, String, String)}, but more patient than the default 5 s to connect and 20 s per answer:
     * for big uploads, or an appliance on an emulated CPU.
     */
    public static TestHttps basic(int port, String user, String password, Duration connectTimeout, Duration requestTimeout) {
        TestHttps t = new TestHttps(port, false, connectTimeout, requestTimeout);
        t.authorization = basicHeader(user, password);
        return t;
    }

    public static TestHttps browser(int port) {
        TestHttps t = new TestHttps(port, true);
        t.origin = t.base;
        return t;
    }

    public static String basicHeader(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public TestHttps withCsrf(String token) {
        this.csrf = token;
        return this;
    }

    public TestHttps withOrigin(String origin) {
        this.origin = origin;
        return this;
    }

    public TestHttps withAuthorization(String header) {
        this.authorization = header;
        return this;
    }

    /** The Authorization header this client sends, or null. */
    public String authorization() {
        return authorization;
    }

    public String base() {
        return base;
    }

    public HttpClient client() {
        return client;
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> method(String method, String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    /** GETs a body that must be there (status 200), as bytes: a snapshot, a script. */
    public byte[] getBytes(String path) {
        HttpResponse<byte[]> r = send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " → " + r.statusCode());
        }
        return r.body();
    }

    /** GETs a body that must be there (status 200), as UTF-8 text. */
    public String getText(String path) {
        return new String(getBytes(path), StandardCharsets.UTF_8);
    }

    /** GETs a body to read as it arrives (a stream); the caller closes {@code body()}. */
    public HttpResponse<InputStream> getStream(String path) {
        return send(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Sends {@code body} serialised as JSON ({@code null}: no body, no Content-Type), the way a script calls the API. */
    public HttpResponse<String> call(String method, String path, Object body) {
        HttpRequest.Builder b = request(path);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return send(b);
    }

    /** {@link #call} and the answer's body as JSON. */
    public JsonNode json(String method, String path, Object body) {
        return json(call(method, path, body));
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }

    /** Opens a WebSocket ({@code wss:}) on {@code path} with this client's credentials. */
    public CompletableFuture<WebSocket> webSocket(String path, WebSocket.Listener listener) {
        WebSocket.Builder b = client.newWebSocketBuilder();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.buildAsync(URI.create("wss" + base.substring("https".length()) + path), listener);
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        b.header("X-Requested-With", "test");
        return b;
    }

    public HttpResponse<String> send(HttpRequest.Builder b) {
        return send(b, HttpResponse.BodyHandlers.ofString());
    }

    public <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(b.build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
