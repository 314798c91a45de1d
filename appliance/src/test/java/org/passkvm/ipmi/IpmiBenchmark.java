package org.passkvm.ipmi;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.power.DemoPower;

/**
 * ipmitool against PassKVM and against OpenIPMI's ipmi_sim (the reference BMC simulator), side by
 * side in one run: the wall time of a whole ipmitool call (handshake, one command, close), and the
 * time per command inside one session (ipmitool's exec mode with many commands). Not a test:
 * run it by hand, see BENCHMARKS.md.
 *
 * <p>Arguments: [rounds] [commands-per-session]
 */
public final class IpmiBenchmark {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int commands = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Path dir = Files.createTempDirectory("ipmi-bench");
        Path batch = dir.resolve("batch.txt");
        Files.writeString(batch, "chassis power status\n".repeat(commands));
        try (TestAppliance passkvm = DemoPower.start(dir.resolve("passkvm"))) {
            int simPort = freeUdpPort();
            Process sim = startIpmiSim(dir.resolve("sim"), simPort);
            try {
                Thread.sleep(500);
                String[][] cases = {
                    {"lanplus -C 3", "passkvm"}, {"lanplus -C 3", "ipmi_sim"},
                    {"lan", "passkvm"}, {"lan", "ipmi_sim"},
                    {"lanplus -C 17", "passkvm"},
                };
                // warm-up: JIT on our side, page cache for ipmitool
                for (int i = 0; i < 30; i++) {
                    run(passkvm.ipmiPort(), "lanplus -C 3", List.of("chassis", "power", "status"));
                    run(passkvm.ipmiPort(), "lan", List.of("chassis", "power", "status"));
                    run(passkvm.ipmiPort(), "lanplus -C 17", List.of("chassis", "power", "status"));
                }
                System.out.printf("%-16s %-9s %14s %16s%n", "interface", "BMC", "call p50 (ms)", "command p50 (µs)");
                for (String[] c : cases) {
                    int port = c[1].equals("passkvm") ? passkvm.ipmiPort() : simPort;
                    List<Long> calls = new ArrayList<>();
                    List<Long> perCommand = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        calls.add(run(port, c[0], List.of("chassis", "power", "status")));
                        long batchNanos = run(port, c[0], List.of("exec", batch.toString()));
                        perCommand.add((batchNanos - calls.get(calls.size() - 1)) / (commands - 1));
                    }
                    System.out.printf("%-16s %-9s %14.2f %16.0f%n", c[0], c[1], median(calls) / 1e6, median(perCommand) / 1e3);
                }
            } finally {
                sim.destroy();
                sim.waitFor(2, TimeUnit.SECONDS);
            }
        }
    }

    static long run(int port, String iface, List<String> command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ipmitool"));
        cmd.add("-I");
        cmd.addAll(Arrays.asList(iface.split(" ")));
        cmd.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port), "-U", "admin", "-P", DemoPower.IPMI_PASSWORD,
                "-N", "1", "-R", "1"));
        cmd.addAll(command);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", cmd));
        }
        return System.nanoTime() - start;
    }

    static Process startIpmiSim(Path dir, int port) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("lan.conf"), """
                name "bench"
                set_working_mc 0x20
                  startlan 1
                    addr 127.0.0.1 %d
                    priv_limit admin
                    allowed_auths_callback md5
                    allowed_auths_user md5
                    allowed_auths_operator md5
                    allowed_auths_admin md5
                    guid a123456789abcdefa123456789abcdef
                  endlan
                  user 2 true "admin" "%s" admin 10 md5
                """.formatted(port, DemoPower.IPMI_PASSWORD));
        Files.writeString(dir.resolve("bench.emu"), """
                mc_setbmc 0x20
                mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
                mc_enable 0x20
                """);
        return new ProcessBuilder("ipmi_sim", "-c", dir.resolve("lan.conf").toString(), "-f", dir.resolve("bench.emu").toString(),
                "-n", "-p", "-s", dir.resolve("state").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sim.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
