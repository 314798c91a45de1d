package org.passkvm.appliance;

/** Placeholder until the power capability lands. */
final class PowerWiring {

    private PowerWiring() {}

    static void wire(Parts parts) throws java.io.IOException {
        // wired by its capability
    }
}
