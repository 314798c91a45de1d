package org.passkvm.appliance;

/** Placeholder until the video capability lands. */
final class VideoWiring {

    private VideoWiring() {}

    static void wire(Parts parts) throws java.io.IOException {
        // wired by its capability
    }
}
