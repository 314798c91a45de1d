/*
 * A VNC client built on libvncclient the way Apache Guacamole's guacd uses it: guacd's default encoding list, the
 * server's own pixel format (guacd asks for 32 bpp true colour), VNC authentication. Connects, waits until the whole
 * framebuffer has arrived, writes it as a binary PPM and prints what was negotiated.
 *
 * usage: guacd-probe HOST PORT PASSWORD OUT.ppm
 * build: gcc -o guacd-probe guacd-probe.c $(pkg-config --cflags --libs libvncclient)
 */
#include <rfb/rfbclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *password;
static long covered;
static int connected;

static char *get_password(rfbClient *client) {
    (void) client;
    return strdup(password);
}

static void got_update(rfbClient *client, int x, int y, int w, int h) {
    (void) client; (void) x; (void) y;
    if (connected) {
        covered += (long) w * h;
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT PASSWORD OUT.ppm\n", argv[0]);
        return 2;
    }
    password = argv[3];
    rfbClient *client = rfbGetClient(8, 3, 4); /* 32 bpp, what guacd asks for */
    client->serverHost = strdup(argv[1]);
    client->serverPort = atoi(argv[2]);
    client->GetPassword = get_password;
    client->GotFrameBufferUpdate = got_update;
    client->appData.encodingsString = "zrle ultra copyrect hextile zlib corre rre raw"; /* guacd's default */
    client->appData.compressLevel = 3;
    if (!rfbInitClient(client, NULL, NULL)) {
        fprintf(stderr, "PROBE connect failed\n");
        return 1;
    }
    connected = 1;
    long whole = (long) client->width * client->height;
    for (int i = 0; i < 200 && covered < whole; i++) {
        int n = WaitForMessage(client, 100000);
        if (n < 0 || (n > 0 && !HandleRFBServerMessage(client))) {
            fprintf(stderr, "PROBE connection lost\n");
            return 1;
        }
    }
    if (covered < whole) {
        fprintf(stderr, "PROBE only %ld of %ld pixels arrived\n", covered, whole);
        return 1;
    }
    /* Pseudo-rectangles (the QEMU key-event acknowledgement) are reported as whole-screen updates too: read on until
       the server has been quiet for 300 ms, so the pixels that follow them are in. */
    int n;
    while ((n = WaitForMessage(client, 300000)) > 0) {
        if (!HandleRFBServerMessage(client)) {
            fprintf(stderr, "PROBE connection lost\n");
            return 1;
        }
    }
    FILE *out = fopen(argv[4], "wb");
    fprintf(out, "P6\n%d %d\n255\n", client->width, client->height);
    for (long i = 0; i < whole; i++) {
        unsigned char *p = client->frameBuffer + 4 * i; /* libvncclient's default format: red in the low byte */
        fputc(p[0], out);
        fputc(p[1], out);
        fputc(p[2], out);
    }
    fclose(out);
    printf("PROBE ok %dx%d protocol 3.%d desktop \"%s\"\n", client->width, client->height, client->minor, client->desktopName);
    rfbClientCleanup(client);
    return 0;
}
