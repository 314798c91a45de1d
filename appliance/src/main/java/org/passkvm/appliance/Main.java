package org.passkvm.appliance;

import java.util.concurrent.CountDownLatch;
import org.tinylog.Logger;
import org.tinylog.jul.JulTinylogBridge;

/** {@code java -jar passkvm.jar}: starts the appliance and runs until stopped. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        JulTinylogBridge.activate();
        Appliance appliance;
        try {
            StartupOptions options = StartupOptions.parse(args);
            Config config = options.configFile() == null ? Config.empty() : Config.load(options.configFile());
            appliance = Appliance.start(options, config);
        } catch (ConfigException e) {
            System.err.println("passkvm: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            Logger.error(e, "PassKVM could not start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Logger.info("Stopping");
            appliance.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
