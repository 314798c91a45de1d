package org.passkvm.video;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.passkvm.appliance.Appliance;
import org.passkvm.appliance.Config;
import org.passkvm.appliance.StartupOptions;

/** The whole appliance on an ephemeral port, with the admin password already changed, and a tiny HTTPS client. */
final class TestAppliance implements AutoCloseable {

    static final String PASSWORD = "video-test-password-1";

    final Appliance appliance;
    final int port;

    private TestAppliance(Appliance appliance) {
        this.appliance = appliance;
        this.port = appliance.web().port();
    }

    static TestAppliance start(Path dataDir, String yaml) throws Exception {
        Config config = Config.empty();
        if (yaml != null) {
            Path file = dataDir.resolve("passkvm.yaml");
            Files.createDirectories(dataDir);
            Files.writeString(file, yaml);
            config = Config.load(file);
        }
        Appliance a = Appliance.start(new StartupOptions(null, dataDir, 0, 0, 0, "127.0.0.1"), config);
        TestAppliance t = new TestAppliance(a);
        String initial = Files.readString(dataDir.resolve("initial-admin-password")).trim();
        HttpsURLConnection c = t.open("/api/auth/password", "admin", initial);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(("{\"currentPassword\":\"" + initial + "\",\"newPassword\":\"" + PASSWORD + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (c.getResponseCode() / 100 != 2) {
            throw new IOException("password change failed: " + c.getResponseCode());
        }
        return t;
    }

    HttpsURLConnection open(String path) throws IOException {
        return open(path, "admin", PASSWORD);
    }

    HttpsURLConnection open(String path, String user, String password) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + port + path).openConnection();
        c.setSSLSocketFactory(TRUST_ALL.getSocketFactory());
        c.setHostnameVerifier((h, s) -> true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(10_000);
        c.setInstanceFollowRedirects(false);
        // HttpURLConnection's default Accept names text/html, which gets a person's redirect to /login.
        c.setRequestProperty("Accept", "*/*");
        c.setRequestProperty("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return c;
    }

    byte[] get(String path) throws IOException {
        HttpsURLConnection c = open(path);
        if (c.getResponseCode() != 200) {
            throw new IOException(path + " → " + c.getResponseCode());
        }
        try (InputStream in = c.getInputStream()) {
            return in.readAllBytes();
        }
    }

    String getText(String path) throws IOException {
        return new String(get(path), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        appliance.close();
    }

    static final SSLContext TRUST_ALL = trustAll();

    private static SSLContext trustAll() {
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
            }}, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads multipart/x-mixed-replace parts: the JPEG bodies, by their Content-Length. */
    static final class MjpegReader implements AutoCloseable {
        private final InputStream in;

        MjpegReader(InputStream in) {
            this.in = in;
        }

        /** The next JPEG, or null at the end of the stream. */
        byte[] next() throws IOException {
            int length = -1;
            String line;
            while ((line = readLine()) != null) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (line.isEmpty() && length >= 0) {
                    return in.readNBytes(length);
                }
            }
            return null;
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.US_ASCII);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
