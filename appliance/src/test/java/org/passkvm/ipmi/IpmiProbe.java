package org.passkvm.ipmi;

import java.nio.file.Files;
import java.nio.file.Path;
import org.passkvm.power.DemoPower;

/** Manual probe: starts the demo appliance and waits, printing its ports (not a test). */
public final class IpmiProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("ipmi-probe");
        try (DemoPower p = DemoPower.start(dir)) {
            System.out.println("READY https=" + p.port() + " ipmi=" + p.ipmiPort());
            Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "600000"));
        }
    }
}
