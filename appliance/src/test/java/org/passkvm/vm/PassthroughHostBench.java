package org.passkvm.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Functional figures on the passthrough host VM (emulated, so absolute times are the emulator's): how long a move
 * takes until the receiving VM runs with the GPU on vfio-pci, how soon the inventory shows a device made on the
 * host, and how many calls to the host one inventory read costs, with libvirt's events (the cache) and without (every
 * read goes to the host: the reference). Both run side by side against the same host in one run.
 *
 * <p>Arguments: rounds (default 5).
 */
public final class PassthroughHostBench {

    private static final String A = "bench-a";
    private static final String B = "bench-b";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("passkvm-hostbench-");
        long boot = System.nanoTime();
        try (HostVm host = HostVm.start(dir.resolve("host"), "--mtty")) {
            System.out.printf("host VM ready in %d s%n", Duration.ofNanos(System.nanoTime() - boot).toSeconds());
            for (String vm : List.of(A, B)) {
                Path xml = dir.resolve(vm + ".xml");
                Files.writeString(xml, PassthroughHostTest.smallGuest(vm));
                host.virsh("define " + xml);
            }
            try (VmControl cached = control(host, Duration.ofSeconds(60)); VmControl uncached = control(host, Duration.ZERO)) {
                readCosts(cached, uncached);
                eventToInventory(host, cached, uncached, rounds);
                moves(host, cached, rounds);
            }
        }
    }

    /** Calls to the host per inventory read: the first one, then one with nothing changed. */
    private static void readCosts(VmControl cached, VmControl uncached) {
        for (VmControl c : List.of(cached, uncached)) {
            long t0 = calls(c);
            c.gpus();
            long first = calls(c) - t0;
            List<Long> ms = new ArrayList<>();
            long t1 = calls(c);
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                c.gpus();
                ms.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
            }
            System.out.printf("%s: first inventory %d libvirt calls; then %.1f calls and median %d ms per inventory read%n",
                    c == cached ? "events" : "no cache", first, (calls(c) - t1) / 5.0, median(ms));
        }
    }

    /** The libvirt connection under each control, for its call count. */
    private static final Map<VmControl, LibvirtHost> LINKS = new java.util.IdentityHashMap<>();

    private static long calls(VmControl c) {
        return LINKS.get(c).apiCalls();
    }

    /** A mediated device made by hand on the host, until each control's inventory shows it. */
    private static void eventToInventory(HostVm host, VmControl cached, VmControl uncached, int rounds) throws Exception {
        List<Long> cachedMs = new ArrayList<>();
        List<Long> uncachedMs = new ArrayList<>();
        List<Long> cachedCalls = new ArrayList<>();
        List<Long> uncachedCalls = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String uuid = UUID.randomUUID().toString();
            cached.gpus();
            uncached.gpus();
            long c0 = calls(cached);
            long u0 = calls(uncached);
            long made = System.nanoTime();
            host.ssh("echo " + uuid + " > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create");
            long madeAt = System.nanoTime();
            boolean cSeen = false;
            boolean uSeen = false;
            while (!cSeen || !uSeen) {
                if (!cSeen && shows(cached, uuid)) {
                    cSeen = true;
                    cachedMs.add(Duration.ofNanos(System.nanoTime() - madeAt).toMillis());
                    cachedCalls.add(calls(cached) - c0);
                }
                if (!uSeen && shows(uncached, uuid)) {
                    uSeen = true;
                    uncachedMs.add(Duration.ofNanos(System.nanoTime() - madeAt).toMillis());
                    uncachedCalls.add(calls(uncached) - u0);
                }
                if (System.nanoTime() - made > Duration.ofMinutes(2).toNanos()) {
                    throw new IllegalStateException("the new mdev never appeared");
                }
            }
            host.ssh("echo 1 > /sys/bus/mdev/devices/" + uuid + "/remove");
        }
        System.out.printf("mdev made on the host -> in the inventory (median of %d): events %d ms, %d calls; "
                + "no cache %d ms, %d calls; time ratio %.2f, calls ratio %.2f%n", rounds, median(cachedMs), median(cachedCalls),
                median(uncachedMs), median(uncachedCalls), median(cachedMs) / (double) Math.max(1, median(uncachedMs)),
                median(cachedCalls) / (double) Math.max(1, median(uncachedCalls)));
    }

    private static boolean shows(VmControl c, String uuid) {
        return c.gpus().mdevParents().stream().flatMap(p -> p.types().stream()).flatMap(t -> t.instances().stream())
                .anyMatch(i -> i.uuid().equals(uuid));
    }

    /** The GPU moved to a VM that is then started (paused), until it runs with both functions on vfio-pci; and back. */
    private static void moves(HostVm host, VmControl control, int rounds) throws Exception {
        List<Long> applyMs = new ArrayList<>();
        List<Long> runningMs = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String to = i % 2 == 0 ? B : A;
            long start = System.nanoTime();
            control.apply(c -> c.planAssign(HostVm.DISPLAY, new GpuMoves.Assignment(to, GpuMoves.Method.WHOLE, null, null,
                    true, null, false)));
            long applied = System.nanoTime();
            control.power(to, PowerAction.START_PAUSED);
            long started = System.nanoTime();
            String drivers = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
            if (!drivers.contains(HostVm.DISPLAY + " vfio-pci") || !drivers.contains(HostVm.AUDIO + " vfio-pci")) {
                throw new IllegalStateException("not on vfio-pci while " + to + " runs: " + drivers);
            }
            applyMs.add(Duration.ofNanos(applied - start).toMillis());
            runningMs.add(Duration.ofNanos(started - start).toMillis());
            control.power(to, PowerAction.DESTROY);
        }
        System.out.printf("move the GPU (median of %d): plan + apply %d ms; until the receiver runs with it %d ms%n", rounds,
                median(applyMs), median(runningMs));
    }

    private static VmControl control(HostVm host, Duration cacheMaxAge) throws Exception {
        LibvirtHost libvirt = new LibvirtHost(host.uri(), 5, Duration.ofSeconds(2));
        if (!libvirt.awaitConnected(Duration.ofSeconds(120))) {
            throw new IllegalStateException(libvirt.link().detail());
        }
        VmControl control = new VmControl(libvirt, new VmControl.Settings(HostVm.KEYBOARD, false, Duration.ofSeconds(30),
                PassthroughDevices.DISPLAYS_ONLY, cacheMaxAge), Map.of());
        LINKS.put(control, libvirt);
        return control;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
