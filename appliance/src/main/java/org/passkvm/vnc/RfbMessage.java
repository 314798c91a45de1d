package org.passkvm.vnc;

/** What a client sends, decoded; one record per RFB client message or handshake step. */
sealed interface RfbMessage {

    /** "RFB 003.00x": 3, 7 or 8 (other minors are treated as 3.3, as the RFC says). */
    record Version(int minor) implements RfbMessage {}

    /** The security type a 3.7/3.8 client picked from the server's list. */
    record SecurityChoice(int type) implements RfbMessage {}

    /** VeNCrypt's version reply (0.2 is the one spoken). */
    record VeNCryptVersion(int major, int minor) implements RfbMessage {}

    /** The VeNCrypt sub-type the client picked (X509Vnc, X509Plain). */
    record VeNCryptSubtype(int subtype) implements RfbMessage {}

    /** VeNCrypt Plain's credentials, sent inside TLS. */
    record PlainCredentials(String user, String password) implements RfbMessage {}

    /** The 16-byte answer to the VNC authentication challenge. */
    record AuthResponse(byte[] response) implements RfbMessage {}

    record ClientInit(boolean shared) implements RfbMessage {}

    record SetPixelFormat(ClientPixelFormat format) implements RfbMessage {}

    /** Encodings and pseudo-encodings, most preferred first. */
    record SetEncodings(int[] encodings) implements RfbMessage {}

    record UpdateRequest(boolean incremental, int x, int y, int width, int height) implements RfbMessage {}

    record Key(boolean down, int keysym) implements RfbMessage {}

    /** Buttons as a mask: 1 left, 2 middle, 4 right, 8/16 wheel up/down, 32/64 wheel left/right. */
    record Pointer(int buttons, int x, int y) implements RfbMessage {}

    /** Latin-1 text from the viewer's clipboard. */
    record CutText(String text) implements RfbMessage {}

    /** An xvp request (2 shutdown, 3 reboot, 4 reset) for the target's power. */
    record Xvp(int version, int code) implements RfbMessage {}

    /** QEMU extended key event: the keysym plus the key's XT scancode ("qnum"), so the layout does not matter. */
    record QemuKey(boolean down, int keysym, int scancode) implements RfbMessage {}

    /** A client asking for another desktop size (ExtendedDesktopSize): the target's resolution is not ours to set. */
    record SetDesktopSize(int width, int height) implements RfbMessage {}
}
