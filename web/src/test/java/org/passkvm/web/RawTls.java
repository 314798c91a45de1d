package org.passkvm.web;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/** A bare TLS connection to a test server, for attacks an HTTP client would not send (chunked floods, dribbled bodies). */
public final class RawTls {

    private RawTls() {}

    /** Connects to 127.0.0.1:{@code port} trusting any certificate, optionally with only the given TLS versions. */
    public static SSLSocket open(int port, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) TestHttps.trustAll().getSocketFactory().createSocket("127.0.0.1", port);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    public static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }
}
