package org.passkvm.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * Bounds every request body before any handler or the login sees it. Javalin's own limit only checks
 * Content-Length, so a chunked body, or one whose length does not fit an int, was read whole; here the body
 * is read up to the limit, and one byte more answers 413 and closes the connection. Routes that stream their
 * body to disk on purpose (image uploads) are exempt and bound what they keep themselves.
 */
final class BodyLimit implements Filter {

    private final long maxBytes;
    private final List<Route> exempt = new CopyOnWriteArrayList<>();

    BodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A route whose body the handler streams itself. */
    void exempt(Route route) {
        exempt.add(route);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        long length = req.getContentLengthLong();
        boolean chunked = req.getHeader("Transfer-Encoding") != null;
        if ((length <= 0 && !chunked) || isExempt(req)) {
            chain.doFilter(request, response);
            return;
        }
        if (length > maxBytes) {
            refuse(req, (HttpServletResponse) response);
            return;
        }
        // With a length, read exactly that much: one more read only to meet the end would run Jetty's minimum data
        // rate check against the time this thread took between reads, which fails a tiny body ("{}") whenever the
        // thread is held up for a few milliseconds (a spurious 408 under load).
        byte[] body = readAtMost(req.getInputStream(), length > 0 ? length : maxBytes + 1);
        if (body.length > maxBytes) {
            refuse(req, (HttpServletResponse) response);
            return;
        }
        chain.doFilter(new Buffered(req, body), response);
    }

    private boolean isExempt(HttpServletRequest req) {
        String path = req.getRequestURI();
        return exempt.stream().anyMatch(r -> r.method().equals(req.getMethod()) && r.matches(path));
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setStatus(413);
        res.setHeader("Connection", "close");
        SecurityHeaders.apply(res);
        res.setContentType("application/json");
        res.getOutputStream().write(("{\"error\":\"request body larger than " + maxBytes + " bytes\"}")
                .getBytes(StandardCharsets.UTF_8));
        res.flushBuffer();
        // Jetty would go on reading and discarding the rest of the body until the client stops sending; give the
        // client time to read the answer, then cut the connection.
        ServletContextRequest base = ServletContextRequest.getServletContextRequest(req);
        if (base != null) {
            ServletChannel channel = base.getServletChannel();
            EndPoint endPoint = channel.getEndPoint();
            channel.getConnectionMetaData().getConnector().getScheduler().schedule(endPoint::close, 2, TimeUnit.SECONDS);
        }
    }

    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
    }

    /** The request with its body already read, so Javalin's body() and Json.read see exactly those bytes. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already");
                }
            };
        }
    }
}
