package org.passkvm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revoked caller's stream or upload ends even when its client has stalled: the handler's thread is blocked in a
 * write the client never reads, or in a read of a body the client never sends, so only aborting the connection
 * frees it. (Jetty 11 did this with {@code HttpChannel.abort}; Jetty 12 has no such call, so this proves the
 * replacement.)
 */
class StalledClientRevocationTest {

    @TempDir
    Path dataDir;

    private WebServer server;
    private final CountDownLatch streaming = new CountDownLatch(1);
    private final CountDownLatch streamEnded = new CountDownLatch(1);
    private final CountDownLatch uploading = new CountDownLatch(1);
    private final CountDownLatch uploadEnded = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = TestWebServer.create(dataDir, "admin password");
        server.api().stream("/api/test/flood", Role.VIEWER, (ctx, lease) -> {
            byte[] block = new byte[64 * 1024];
            try {
                OutputStream out = ctx.res().getOutputStream();
                while (lease.isOpen()) {
                    out.write(block);
                    out.flush();
                    streaming.countDown();
                }
            } catch (IOException aborted) {
                // the revocation cut the connection under the blocked write
            } finally {
                streamEnded.countDown();
            }
        });
        server.api().upload("/api/test/upload", Role.OPERATOR, ctx -> {
            byte[] buffer = new byte[8192];
            try {
                InputStream in = ctx.req().getInputStream();
                while (in.read(buffer) >= 0) {
                    uploading.countDown();
                }
            } catch (IOException aborted) {
                // the revocation cut the connection under the blocked read
            } finally {
                uploadEnded.countDown();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aStreamWhoseClientStoppedReadingEndsWhenAccessIsRevoked() throws Exception {
        try (SSLSocket s = open()) {
            send(s, "GET /api/test/flood HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + TestHttps.basicHeader("admin", "admin password") + "\r\n\r\n");
            assertThat(s.getInputStream().read(new byte[4096])).isPositive();
            assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(1500); // the client reads nothing more: the socket buffers fill and the handler's write blocks
            assertThat(streamEnded.getCount()).as("the handler is blocked, not finished").isEqualTo(1);

            server.revocations().revoke("admin", null);

            assertThat(streamEnded.await(3, TimeUnit.SECONDS)).as("the blocked stream ended after the revocation").isTrue();
            assertThat(connectionEnds(s)).as("the connection is cut, not left open for the stalled client").isTrue();
        }
    }

    @Test
    void anUploadWhoseClientStoppedSendingEndsWhenAccessIsRevoked() throws Exception {
        try (SSLSocket s = open()) {
            send(s, "PUT /api/test/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + TestHttps.basicHeader("admin", "admin password") + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 100000000\r\n\r\n");
            s.getOutputStream().write(new byte[256 * 1024]);
            s.getOutputStream().flush();
            assertThat(uploading.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(1000); // the client sends nothing more: the handler's read blocks
            assertThat(uploadEnded.getCount()).as("the handler is blocked, not finished").isEqualTo(1);

            server.revocations().revoke("admin", null);

            assertThat(uploadEnded.await(3, TimeUnit.SECONDS)).as("the blocked upload ended after the revocation").isTrue();
            assertThat(connectionEnds(s)).as("the connection is cut, not left open for the stalled client").isTrue();
        }
    }

    /** Reads what is left: the server must close the connection within 5 s (it would stay open for 30 s). */
    private static boolean connectionEnds(SSLSocket s) throws IOException {
        s.setSoTimeout(5_000);
        byte[] buffer = new byte[64 * 1024];
        try {
            while (s.getInputStream().read(buffer) >= 0) {
                // the rest of what was sent before the cut
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private SSLSocket open() throws IOException {
        SSLSocket s = (SSLSocket) TestHttps.trustAll().getSocketFactory().createSocket();
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    private static void send(SSLSocket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }
}
