package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import io.netty.handler.ssl.SslHandler;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.paste.Typist;
import org.passkvm.power.PowerAction;
import org.passkvm.power.PowerControl;
import org.passkvm.web.auth.LoginLimiter;
import org.tinylog.Logger;

/**
 * One VNC client: the handshake's answers, then screen updates when the client asks and the picture changed, and its
 * keys and pointer to the target when its user may type. Runs on the connection's event loop only; screens arrive
 * from the feed's thread and are handed over to it.
 */
final class VncSession extends SimpleChannelInboundHandler<RfbMessage> {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TILE = ZrleEncoder.TILE;

    private final VncServer.Shared shared;
    private final Consumer<Screen> onScreen;
    private final Set<Integer> keysDown = new HashSet<>();
    private ChannelHandlerContext ctx;
    private int minor;
    private byte[] challenge;
    private VncPasswords.Login login;

    private ClientPixelFormat format = ClientPixelFormat.DEFAULT;
    private int[] encodings = {};
    private static final RectEncoder RAW = new RawEncoder(); // holds nothing: one for every session
    private RectEncoder encoder = RAW;
    /** Encoders by encoding number, made on first use (Zlib streams live as long as the connection). */
    private final java.util.Map<Integer, RectEncoder> made = new java.util.HashMap<>();
    private boolean desktopSize;
    private boolean tight;
    private boolean qemuKeysAcknowledged;
    private boolean xvpAnnounced;
    private boolean extendedDesktopSize;
    private boolean cursorSent;
    /** The LED byte the client was last sent, or -1 while it has not asked for QEMU LED state. */
    private int ledsSent = -1;
    private final Consumer<org.passkvm.hid.KeyboardLeds> onLeds = leds -> ctx.executor().execute(() -> sendLeds(leds));
    /** Open H.264 while the client's first choice is it, else null. */
    private H264Updates h264;
    /** The H.264 stream turned out to be unusable for this client (sliced pictures): not chosen again. */
    private boolean h264Refused;

    private Screen latest;
    private Screen sent;
    private int clientWidth;
    private int clientHeight;
    private boolean pending;
    private boolean full = true;
    private int buttons;
    private int pointerX = -1;
    private int pointerY = -1;

    /** Who the web login proved this user to be (the noVNC WebSocket), or null: RFB authenticates them. */
    private final VncPasswords.Login proven;

    VncSession(VncServer.Shared shared) {
        this(shared, null);
    }

    VncSession(VncServer.Shared shared, VncPasswords.Login proven) {
        this.shared = shared;
        this.proven = proven;
        this.onScreen = screen -> ctx.executor().execute(() -> {
            latest = screen;
            update();
        });
    }

    String user() {
        return login == null ? null : login.user();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.writeAndFlush(ServerMessages.version(ctx.alloc()));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RfbMessage message) {
        if (login == null && !(message instanceof RfbMessage.Version || message instanceof RfbMessage.SecurityChoice
                || message instanceof RfbMessage.AuthResponse || message instanceof RfbMessage.VeNCryptVersion
                || message instanceof RfbMessage.VeNCryptSubtype || message instanceof RfbMessage.PlainCredentials)) {
            ctx.close(); // the decoder's stages make this unreachable; never act for an unauthenticated client
            return;
        }
        if (message instanceof RfbMessage.Version v) {
            version(v.minor());
        } else if (message instanceof RfbMessage.SecurityChoice c) {
            securityChoice(c.type());
        } else if (message instanceof RfbMessage.AuthResponse r) {
            authenticate(r.response());
        } else if (message instanceof RfbMessage.VeNCryptVersion v) {
            veNCryptVersion(v.major(), v.minor());
        } else if (message instanceof RfbMessage.VeNCryptSubtype t) {
            veNCryptSubtype(t.subtype());
        } else if (message instanceof RfbMessage.PlainCredentials c) {
            plain(c.user(), c.password());
        } else if (message instanceof RfbMessage.ClientInit) {
            clientInit();
        } else if (message instanceof RfbMessage.SetPixelFormat p) {
            format = p.format();
            full = true;
            chooseEncoder();
        } else if (message instanceof RfbMessage.SetEncodings e) {
            encodings = e.encodings();
            chooseEncoder();
        } else if (message instanceof RfbMessage.UpdateRequest r) {
            pending = true;
            full |= !r.incremental();
            update();
        } else if (message instanceof RfbMessage.Key k) {
            key(k.down(), shared.keysyms().usage(k.keysym()));
        } else if (message instanceof RfbMessage.QemuKey k) {
            OptionalInt exact = XtScancodes.usage(k.scancode());
            key(k.down(), exact.isPresent() ? exact : shared.keysyms().usage(k.keysym()));
        } else if (message instanceof RfbMessage.Pointer p) {
            pointer(p.buttons(), p.x(), p.y());
        } else if (message instanceof RfbMessage.CutText t) {
            typeClipboard(t.text());
        } else if (message instanceof RfbMessage.Xvp x) {
            xvp(x.code());
        } else if (message instanceof RfbMessage.SetDesktopSize) {
            // The target's resolution follows its own display settings, never a viewer's window.
            ByteBuf out = ctx.alloc().buffer();
            ServerMessages.updateHeader(out, 1);
            PseudoRects.extendedDesktopSize(out, PseudoRects.REASON_CLIENT, PseudoRects.STATUS_PROHIBITED, clientWidth, clientHeight);
            ctx.writeAndFlush(out);
        }
    }

    /**
     * xvp's power buttons, for operators: shutdown is the short press an OS shuts down on, reset the reset button.
     * A clean reboot cannot be made of button presses, so it fails, as does anything a viewer may not do.
     */
    private void xvp(int code) {
        PowerControl power = shared.power();
        PowerAction action = code == ServerMessages.XVP_SHUTDOWN ? PowerAction.OFF
                : code == ServerMessages.XVP_RESET ? PowerAction.RESET : null;
        if (power == null || action == null || !VncPasswords.mayType(login.role())) {
            ctx.writeAndFlush(ServerMessages.xvp(ctx.alloc(), ServerMessages.XVP_FAIL));
            return;
        }
        Logger.info("VNC: {} asked for power {} (xvp)", login.user(), action.id());
        power.start(action).whenComplete((outcome, error) -> {
            if (error != null || !outcome.pressed()) {
                ctx.writeAndFlush(ServerMessages.xvp(ctx.alloc(), ServerMessages.XVP_FAIL));
            }
        });
    }

    /** An operator's clipboard is typed on the target as a paste job, with its rules (one at a time, its pace). */
    private void typeClipboard(String text) {
        Typist typist = shared.typist();
        if (typist == null || text.isEmpty() || !VncPasswords.mayType(login.role())) {
            return;
        }
        try {
            typist.start(text, shared.keysyms().layout(), null, true);
        } catch (IllegalStateException | IllegalArgumentException e) {
            Logger.info("VNC: clipboard of {} not typed: {}", login.user(), e.getMessage());
        }
    }

    private void version(int minor) {
        this.minor = minor;
        if (proven != null) {
            // The WebSocket's upgrade passed the web login: asking again would only make noVNC prompt for nothing.
            if (minor == 3) {
                ctx.writeAndFlush(ServerMessages.securityType33(ctx.alloc(), ServerMessages.SECURITY_NONE));
                acceptProven();
            } else {
                ctx.writeAndFlush(ServerMessages.securityTypes(ctx.alloc(), ServerMessages.SECURITY_NONE));
            }
        } else if (minor == 3) {
            ctx.write(ServerMessages.securityType33(ctx.alloc(), ServerMessages.SECURITY_VNC_AUTH));
            sendChallenge();
        } else {
            // VNC authentication first: Apache Guacamole and noVNC take the first type they know and fail on
            // VeNCrypt's X509 sub-types; viewers that can do TLS (TigerVNC, gtk-vnc) are told to pick VeNCrypt.
            ctx.writeAndFlush(shared.tls() == null
                    ? ServerMessages.securityTypes(ctx.alloc(), ServerMessages.SECURITY_VNC_AUTH)
                    : ServerMessages.securityTypes(ctx.alloc(), ServerMessages.SECURITY_VNC_AUTH, ServerMessages.SECURITY_VENCRYPT));
        }
    }

    private void securityChoice(int type) {
        if (proven != null) {
            if (type != ServerMessages.SECURITY_NONE) {
                refuse("security type " + type + " is not offered");
                return;
            }
            acceptProven();
            if (minor >= 8) { // 3.7 sends no SecurityResult after None
                ctx.writeAndFlush(ServerMessages.securityResult(ctx.alloc(), true, "", minor));
            }
        } else if (type == ServerMessages.SECURITY_VNC_AUTH) {
            sendChallenge();
        } else if (type == ServerMessages.SECURITY_VENCRYPT && shared.tls() != null) {
            ctx.writeAndFlush(ServerMessages.veNCryptVersion(ctx.alloc()));
        } else {
            refuse("security type " + type + " is not offered");
        }
    }

    private void veNCryptVersion(int major, int minor) {
        if (major != 0 || minor != 2) {
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(0xFF)).addListener(f -> ctx.close());
            return;
        }
        ctx.writeAndFlush(ServerMessages.veNCryptSubtypes(ctx.alloc(), ServerMessages.VENCRYPT_X509_VNC,
                ServerMessages.VENCRYPT_X509_PLAIN));
    }

    private void veNCryptSubtype(int subtype) {
        if (subtype != ServerMessages.VENCRYPT_X509_VNC && subtype != ServerMessages.VENCRYPT_X509_PLAIN) {
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(0)).addListener(f -> ctx.close());
            return;
        }
        // startTls: the "go ahead" byte leaves in the clear, everything after it inside TLS; writes made before the
        // handshake finishes (the challenge) wait for it.
        ctx.pipeline().addFirst("tls", new SslHandler(shared.tls().newEngine(ctx.alloc()), true));
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(1));
        if (subtype == ServerMessages.VENCRYPT_X509_VNC) {
            sendChallenge();
        }
    }

    /** VeNCrypt Plain: a PassKVM account's name and password, checked off the event loop (Argon2 takes a while). */
    private void plain(String user, String password) {
        String source = source();
        CompletableFuture.supplyAsync(() -> shared.limiter().attempt(source, user, () -> shared.accounts().check(user, password)))
                .whenComplete((attempt, error) -> ctx.executor().execute(() -> {
                    if (error != null) {
                        refuse("authentication failed");
                    } else {
                        loggedIn(attempt, source);
                    }
                }));
    }

    private void acceptProven() {
        login = proven;
        shared.loggedIn(ctx.channel(), login.user());
        Logger.info("VNC: {} connected through the web login as {}", login.user(), login.role().name().toLowerCase());
    }

    private void sendChallenge() {
        challenge = new byte[16];
        RANDOM.nextBytes(challenge);
        ctx.writeAndFlush(ServerMessages.challenge(ctx.alloc(), challenge));
    }

    private String source() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress()
                : String.valueOf(ctx.channel().remoteAddress());
    }

    private void authenticate(byte[] response) {
        String source = source();
        byte[] asked = challenge;
        challenge = null;
        if (asked == null) {
            refuse("no challenge was sent");
            return;
        }
        loggedIn(shared.limiter().attempt(source, "", () -> shared.logins().match(asked, response)), source);
    }

    private void loggedIn(LoginLimiter.Attempt<VncPasswords.Login> attempt, String source) {
        if (attempt instanceof LoginLimiter.Attempt.Ok<VncPasswords.Login> ok) {
            login = ok.value();
            shared.loggedIn(ctx.channel(), login.user());
            Logger.info("VNC: {} logged in from {} as {}", login.user(), source, login.role().name().toLowerCase());
            ctx.writeAndFlush(ServerMessages.securityResult(ctx.alloc(), true, "", minor));
        } else if (attempt instanceof LoginLimiter.Attempt.Locked<VncPasswords.Login> locked) {
            refuse("too many failed logins from " + source + "; try again in " + locked.retryAfter().toSeconds() + " s");
        } else {
            refuse("authentication failed");
        }
    }

    private void refuse(String reason) {
        ctx.writeAndFlush(ServerMessages.securityResult(ctx.alloc(), false, reason, minor))
                .addListener(f -> ctx.close());
    }

    private void clientInit() {
        Screen screen = shared.feed().latest();
        clientWidth = screen == null ? 1280 : screen.width();
        clientHeight = screen == null ? 720 : screen.height();
        ctx.writeAndFlush(ServerMessages.serverInit(ctx.alloc(), clientWidth, clientHeight, format, shared.name()));
        latest = screen;
        shared.feed().join(onScreen);
    }

    private void chooseEncoder() {
        desktopSize = false;
        tight = false;
        RectEncoder chosen = null;
        boolean wantsH264 = false;
        for (int e : encodings) {
            desktopSize |= e == ServerMessages.DESKTOP_SIZE;
            if (chosen == null && !wantsH264 && e == ServerMessages.H264 && shared.feed().h264() != null
                    && !h264Refused) {
                wantsH264 = true;
            } else if (chosen == null && !wantsH264) {
                chosen = switch (e) {
                    case ServerMessages.TIGHT -> TightJpegEncoder.allowed(encodings, format)
                            ? made.computeIfAbsent(e, k -> new TightJpegEncoder()) : null;
                    case ServerMessages.ZRLE -> made.computeIfAbsent(e, k -> new ZrleEncoder(ctx.alloc()));
                    case ServerMessages.ZLIB -> made.computeIfAbsent(e, k -> new ZlibEncoder(ctx.alloc()));
                    case ServerMessages.HEXTILE -> made.computeIfAbsent(e, k -> new HextileEncoder());
                    case ServerMessages.RAW -> RAW;
                    default -> null;
                };
            }
        }
        encoder = chosen == null ? RAW : chosen;
        tight = encoder instanceof TightJpegEncoder;
        if (wantsH264 && h264 == null) {
            h264 = new H264Updates(shared.feed().h264(), ctx, this::update);
        } else if (!wantsH264 && h264 != null) {
            h264.close();
            h264 = null;
            full = true;
        }
        if (!xvpAnnounced && shared.power() != null && VncPasswords.mayType(login.role())
                && java.util.Arrays.stream(encodings).anyMatch(e -> e == ServerMessages.XVP)) {
            xvpAnnounced = true; // the viewer shows its power buttons
            ctx.writeAndFlush(ServerMessages.xvp(ctx.alloc(), ServerMessages.XVP_INIT));
        }
        boolean wantsExtended = java.util.Arrays.stream(encodings).anyMatch(e -> e == PseudoRects.EXTENDED_DESKTOP_SIZE);
        if (wantsExtended && !extendedDesktopSize) {
            // Told at once, as other servers do: the client learns the screen layout and that resizes are announced.
            ByteBuf out = ctx.alloc().buffer();
            ServerMessages.updateHeader(out, 1);
            PseudoRects.extendedDesktopSize(out, PseudoRects.REASON_SERVER, PseudoRects.STATUS_OK, clientWidth, clientHeight);
            ctx.writeAndFlush(out);
        }
        extendedDesktopSize = wantsExtended;
        desktopSize |= extendedDesktopSize;
        if (ledsSent < 0 && java.util.Arrays.stream(encodings).anyMatch(e -> e == PseudoRects.QEMU_LED_STATE)) {
            shared.leds().join(onLeds);
            sendLeds(shared.leds().now());
        }
        if (!cursorSent && java.util.Arrays.stream(encodings).anyMatch(e -> e == PseudoRects.CURSOR)) {
            cursorSent = true;
            ByteBuf out = ctx.alloc().buffer();
            ServerMessages.updateHeader(out, 1);
            PseudoRects.arrow(out, format);
            ctx.writeAndFlush(out);
        }
        if (!qemuKeysAcknowledged && java.util.Arrays.stream(encodings).anyMatch(e -> e == ServerMessages.QEMU_EXTENDED_KEY)) {
            // The acknowledgement is a rectangle of that pseudo-encoding, sent at once as QEMU does; from then on the
            // viewer sends scancodes, so keys are exact whatever its keyboard layout.
            qemuKeysAcknowledged = true;
            ByteBuf out = ctx.alloc().buffer(16);
            ServerMessages.updateHeader(out, 1);
            ServerMessages.rectHeader(out, 0, 0, clientWidth, clientHeight, ServerMessages.QEMU_EXTENDED_KEY);
            ctx.writeAndFlush(out);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        update();
        ctx.fireChannelWritabilityChanged();
    }

    /** Sends what changed if the client asked and can take it now; a slow client skips to the newest screen. */
    private void update() {
        Screen screen = latest;
        if (h264 != null && (screen == null || !desktopSize
                || screen.width() == clientWidth && screen.height() == clientHeight)) {
            if (pending && ctx.channel().isWritable()) {
                updateH264();
            }
            return;
        }
        if (!pending || screen == null || !ctx.channel().isWritable() || (screen == sent && !full)) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer();
        if ((screen.width() != clientWidth || screen.height() != clientHeight) && desktopSize) {
            // The client resizes, then asks again; the next update is whole.
            clientWidth = screen.width();
            clientHeight = screen.height();
            ServerMessages.updateHeader(out, 1);
            if (extendedDesktopSize) {
                PseudoRects.extendedDesktopSize(out, PseudoRects.REASON_SERVER, PseudoRects.STATUS_OK, clientWidth, clientHeight);
            } else {
                ServerMessages.rectHeader(out, 0, 0, clientWidth, clientHeight, ServerMessages.DESKTOP_SIZE);
            }
            send(out, screen);
            full = true;
            sent = null;
            return;
        }
        int width = Math.min(screen.width(), clientWidth);
        int height = Math.min(screen.height(), clientHeight);
        List<int[]> rects = changed(screen, width, height);
        if (rects.isEmpty()) {
            out.release();
            sent = screen;
            return;
        }
        if (tight && width == screen.width() && height == screen.height()) {
            ServerMessages.updateHeader(out, 1);
            encoder.encode(screen, 0, 0, width, height, format, out);
        } else {
            RectEncoder e = tight ? RAW : encoder;
            ServerMessages.updateHeader(out, rects.size());
            for (int[] r : rects) {
                e.encode(screen, r[0], r[1], r[2], r[3], format, out);
            }
        }
        send(out, screen);
        full = false;
    }

    /** The keyboard LEDs as an update of their own, when they changed (they light up as the target sets them). */
    private void sendLeds(org.passkvm.hid.KeyboardLeds leds) {
        int bits = Leds.qemuBits(leds);
        if (bits == ledsSent || !ctx.channel().isActive()) {
            return;
        }
        ledsSent = bits;
        ByteBuf out = ctx.alloc().buffer(17);
        ServerMessages.updateHeader(out, 1);
        PseudoRects.ledState(out, bits);
        ctx.writeAndFlush(out);
    }

    /** The next access unit, if one is waiting; the JPEG screens only tell of resolution changes meanwhile. */
    private void updateH264() {
        if (!h264.ready()) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer();
        if (h264.write(out, clientWidth, clientHeight)) {
            send(out, latest);
            full = false;
        } else {
            out.release();
            if (h264.sliced()) {
                Logger.info("VNC: the H.264 stream has several slices a picture, which noVNC cannot show: {} gets its next choice",
                        login.user());
                h264Refused = true;
                chooseEncoder(); // closes the H.264 subscription and asks for a whole picture
                update();
            }
        }
    }

    private void send(ByteBuf out, Screen screen) {
        pending = false;
        sent = screen;
        ctx.writeAndFlush(out);
    }

    /** The tiles that differ from what the client has, runs of neighbours in a row joined into one rectangle. */
    private List<int[]> changed(Screen screen, int width, int height) {
        List<int[]> rects = new ArrayList<>();
        for (int y = 0; y < height; y += TILE) {
            int h = Math.min(TILE, height - y);
            int runStart = -1;
            for (int x = 0; x <= width; x += TILE) {
                boolean differs = x < width && (full || screen.differs(sent, x, y, Math.min(TILE, width - x), h));
                if (differs && runStart < 0) {
                    runStart = x;
                } else if (!differs && runStart >= 0) {
                    rects.add(new int[] {runStart, y, Math.min(x, width) - runStart, h});
                    runStart = -1;
                }
            }
        }
        return rects;
    }

    private void key(boolean down, OptionalInt usage) {
        HidInput input = shared.input();
        if (usage.isEmpty() || input == null || !VncPasswords.mayType(login.role())) {
            return;
        }
        int u = usage.getAsInt();
        if (down) {
            keysDown.add(u);
            input.keyDown(u);
        } else if (keysDown.remove(u)) {
            input.keyUp(u);
        }
    }

    private void pointer(int mask, int x, int y) {
        HidInput input = shared.input();
        if (input == null || !VncPasswords.mayType(login.role())) {
            return;
        }
        if (x != pointerX || y != pointerY) {
            pointerX = x;
            pointerY = y;
            input.moveTo(scale(x, clientWidth), scale(y, clientHeight));
        }
        int changed = mask ^ buttons;
        int pressed = mask & changed;
        buttons = mask;
        // RFB's buttons 1, 2, 3 are left, middle, right; HID's 0, 1, 2 are left, right, middle.
        int[] hidButton = {0, 2, 1};
        for (int b = 0; b < 3; b++) {
            if ((changed & 1 << b) != 0) {
                input.button(hidButton[b], (mask & 1 << b) != 0);
            }
        }
        // Buttons 4..7 are the wheel: one notch per press.
        if ((pressed & 8) != 0) {
            input.scroll(1, 0);
        }
        if ((pressed & 16) != 0) {
            input.scroll(-1, 0);
        }
        if ((pressed & 32) != 0) {
            input.scroll(0, -1);
        }
        if ((pressed & 64) != 0) {
            input.scroll(0, 1);
        }
    }

    private static int scale(int v, int size) {
        return size <= 1 ? 0 : (int) Math.min(32767, (long) v * 32767 / (size - 1));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shared.feed().leave(onScreen);
        shared.leds().leave(onLeds);
        shared.loggedOut(ctx.channel());
        HidInput input = shared.input();
        if (input != null) {
            // No key or button stays held because a viewer went away.
            keysDown.forEach(input::keyUp);
            for (int b = 0; b < 3; b++) {
                if ((buttons & 1 << b) != 0) {
                    input.button(new int[] {0, 2, 1}[b], false);
                }
            }
        }
        keysDown.clear();
        made.values().forEach(RectEncoder::close);
        if (h264 != null) {
            h264.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Logger.info("VNC: closing {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }
}
