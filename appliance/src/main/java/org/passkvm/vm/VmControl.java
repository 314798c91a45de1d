package org.passkvm.vm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.passkvm.web.Refusal.Kind;
import org.tinylog.Logger;

/**
 * What the API can do with the VM host: read the inventory, run power actions, plan and apply
 * definition changes. Changes are made one at a time (a lock), so two consoles moving the same GPU
 * cannot both win.
 */
public final class VmControl implements AutoCloseable {

    /**
     * @param gadget PassKVM's USB gadget as the host sees it
     * @param usbFollowsGpu by default, the keyboard/mouse move to the VM that receives a GPU
     * @param shutdownTimeout how long a guest gets to shut down before force-off is offered (or done)
     * @param offered the devices offered whole besides display controllers
     * @param cacheMaxAge how long the host as last read is served when no event says it changed (zero: never)
     */
    public record Settings(UsbId gadget, boolean usbFollowsGpu, Duration shutdownTimeout, PassthroughDevices offered,
            Duration cacheMaxAge) {

        public Settings(UsbId gadget, boolean usbFollowsGpu, Duration shutdownTimeout) {
            this(gadget, usbFollowsGpu, shutdownTimeout, PassthroughDevices.DISPLAYS_ONLY, Duration.ofSeconds(60));
        }
    }

    public record Vm(String name, String uuid, String title, String state, boolean active, int vcpus, long memoryMiB,
            List<DomainDefinition.HostDevice> hostDevices, List<DomainDefinition.DisplayDevice> displays,
            String displayMode) {}

    private final CachedHost host;
    private final Settings settings;
    private final Map<String, String> driverHints;
    private final VmJobs jobs = new VmJobs();
    private final Object changes = new Object();
    private final HostShell shell;
    /** Take-backs a lost link interrupted, oldest first; changed only under {@code changes}, read by health at any time. */
    private final List<Step> repairs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.ExecutorService repairer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vm-repair");
        t.setDaemon(true);
        return t;
    });

    public VmControl(VmHost host, Settings settings, Map<String, String> driverHints) {
        this.host = new CachedHost(host, settings.cacheMaxAge(), () -> repairer.execute(this::repair));
        this.settings = settings;
        this.driverHints = driverHints;
        this.shell = HostShell.forUri(host.link().uri());
    }

    public VmHost host() {
        return host;
    }

    public Settings settings() {
        return settings;
    }

    // ---- inventory ----

    public List<Vm> vms() {
        HostSnapshot snap = snapshot();
        List<Vm> out = new ArrayList<>();
        snap.definitions().forEach((name, def) -> out.add(view(name, def, snap.state(name))));
        return out;
    }

    public Vm vm(String name) {
        return view(name, DomainDefinition.parse(host.definition(name)), host.state(name));
    }

    /** Calls made to the host so far: what the inventory costs (benchmarks, tests). */
    long hostReads() {
        return host.hostReads();
    }

    GpuInventory.Report gpus() {
        return GpuInventory.of(snapshot(), settings.gadget());
    }

    private static Vm view(String name, DomainDefinition def, DomainState state) {
        return new Vm(name, def.uuid(), def.title(), state.label(), state.active(), def.vcpus(), def.memoryKiB() / 1024,
                def.hostDevices(), def.displays(), def.displayMode().label());
    }

    // ---- planning ----

    Plan planAssign(String gpuId, GpuMoves.Assignment a) {
        HostSnapshot snap = snapshot();
        GpuMoves moves = new GpuMoves(snap, settings.gadget());
        return switch (a.method()) {
            case WHOLE -> moves.assign(GpuMoves.gpu(snap, gpuId), a);
            case VF -> moves.assign(GpuMoves.sriovPf(snap, gpuId), a);
            case MDEV -> moves.assignMdev(GpuMoves.mdevParent(snap, gpuId), a);
        };
    }

    Plan planRelease(String gpuId, String vf, String mdev) {
        HostSnapshot snap = snapshot();
        GpuMoves moves = new GpuMoves(snap, settings.gadget());
        if (mdev != null) {
            return moves.releaseMdev(GpuMoves.mdevParent(snap, gpuId), mdev);
        }
        return moves.release(vf != null ? GpuMoves.sriovPf(snap, gpuId) : GpuMoves.gpu(snap, gpuId), vf, null);
    }

    Plan planDisplay(String vm, DisplayMode mode) {
        RenderNodes.requireFor(mode, host);
        return new GpuMoves(snapshot(), settings.gadget()).display(vm, mode);
    }

    /**
     * Plans and applies in one step, refusing (409) when a running VM would lose a device.
     *
     * @param planner re-run under the lock, so the plan applied is made from the host's current state
     */
    Plan apply(Function<VmControl, Plan> planner) {
        synchronized (changes) {
            requireNoRepairs();
            Plan plan = planner.apply(this);
            List<String> blockers = plan.blockers();
            if (!blockers.isEmpty()) {
                throw new VmHostException(Kind.CONFLICT, String.join(", ", blockers) + (blockers.size() == 1 ? " is" : " are")
                        + " running and would lose a device: shut " + (blockers.size() == 1 ? "it" : "them")
                        + " down first, or ask to (shutdownHolder: true)");
            }
            return execute(plan);
        }
    }

    /** Applies the plan, first shutting down the running VMs it takes devices from; as a job. */
    VmJobs.Job applyAfterShutdown(Function<VmControl, Plan> planner, Duration timeout, boolean force) {
        List<String> blockers = planner.apply(this).blockers();
        return jobs.submit("move", String.join(",", blockers), job -> {
            for (String vm : blockers) {
                VmJobs.Outcome off = shutDown(job, vm, timeout, force);
                if (off.state() != VmJobs.State.DONE) {
                    return new VmJobs.Outcome(off.state(), off.message() + "; nothing was changed", off.offer(), null);
                }
            }
            job.progress("applying");
            Plan plan = apply(planner);
            return new VmJobs.Outcome(VmJobs.State.DONE, plan.summary(), null, Map.of("plan", planView(plan)));
        });
    }

    /** One thing applying a plan does on the host, and how to take it back. */
    private interface Step {
        /** Does it; a note for the user when it had to be done another way or left to them, else null. */
        String apply();

        void undo();

        String what();

        /** Taking it back twice does no harm (a definition written again): safe when it is unknown whether it ran. */
        default boolean undoIsIdempotent() {
            return false;
        }
    }

    /**
     * Applies a plan step by step: mediated devices it creates, then the definitions (releasing VMs first), then
     * PassKVM's USB device out of and into running VMs, then the mediated devices it removes. When a step fails, the
     * steps already done are taken back, newest first, so no device is lost between two VMs or left half-made.
     */
    private Plan execute(Plan plan) {
        List<Step> steps = new ArrayList<>();
        plan.mdevs().stream().filter(Plan.MdevChange::create).forEach(m -> steps.add(mdevStep(m)));
        plan.changes().forEach(c -> steps.add(defineStep(c)));
        plan.hotplugs().stream().filter(h -> !h.attach()).forEach(h -> steps.add(hotplugStep(h)));
        plan.hotplugs().stream().filter(Plan.HotPlug::attach).forEach(h -> steps.add(hotplugStep(h)));
        plan.mdevs().stream().filter(m -> !m.create()).forEach(m -> steps.add(mdevStep(m)));
        List<Step> done = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Step step : steps) {
            try {
                String note = step.apply();
                if (note != null) {
                    notes.add(note);
                }
                done.add(step);
            } catch (VmHostException e) {
                // A step cut off by a lost link may or may not have happened on the host: take it back too if that is safe.
                if (e.kind() == Kind.UNAVAILABLE && step.undoIsIdempotent()) {
                    done.add(step);
                }
                if (done.isEmpty()) {
                    throw e;
                }
                throw new VmHostException(e.kind(), e.getMessage() + takeBack(done));
            }
        }
        Logger.info("VM host changed: {}", plan.summary());
        return plan.withNotes(notes);
    }

    /**
     * Takes back the steps done, newest first. When the link is gone, what is left is kept and done as soon as the
     * link is back ({@link #repair}): a move is never left half-made on the host.
     */
    private String takeBack(List<Step> done) {
        List<String> undone = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = done.size() - 1; i >= 0; i--) {
            Step step = done.get(i);
            try {
                step.undo();
                undone.add(step.what());
            } catch (VmHostException undo) {
                if (undo.kind() == Kind.UNAVAILABLE) {
                    List<Step> left = new ArrayList<>(done.subList(0, i + 1));
                    java.util.Collections.reverse(left);
                    repairs.addAll(left);
                    List<String> what = left.stream().map(Step::what).toList();
                    Logger.warn("VM host link lost in the middle of a change; once it is back PassKVM will: {}", what);
                    return "; the link to the host was lost: once it is back PassKVM will " + String.join(", ", what)
                            + (undone.isEmpty() ? "" : " (already done: " + String.join(", ", undone) + ")");
                }
                Logger.error("Could not take back '{}': {}", step.what(), undo.getMessage());
                failed.add(step.what() + " (" + undo.getMessage() + ")");
            }
        }
        return failed.isEmpty() ? "; nothing was changed: " + String.join(", ", undone)
                : "; could not take back " + String.join(", ", failed) + ": check it on the host";
    }

    /** What a change cut off by a lost link still has to take back; empty when nothing is pending. */
    public List<String> pendingRepairs() {
        return repairs.stream().map(Step::what).toList();
    }

    /** Runs the pending take-backs, oldest first, once the link is back; one that fails for good is logged and dropped. */
    private void repair() {
        synchronized (changes) {
            while (!repairs.isEmpty()) {
                Step step = repairs.get(0);
                try {
                    step.undo();
                    Logger.info("VM host link back: {}", step.what());
                } catch (VmHostException e) {
                    if (e.kind() == Kind.UNAVAILABLE) {
                        return; // lost again: the next reconnect tries again
                    }
                    Logger.error("VM host link back, but could not {}: {}; check it on the host", step.what(), e.getMessage());
                }
                repairs.remove(0);
            }
        }
    }

    /** Refuses a change while an earlier one still waits to be taken back. */
    private void requireNoRepairs() {
        if (!repairs.isEmpty()) {
            repair();
        }
        if (!repairs.isEmpty()) {
            throw new VmHostException(Kind.UNAVAILABLE, "a change cut off by the lost link to the host is still to be taken "
                    + "back (" + String.join(", ", repairs.stream().map(Step::what).toList()) + "); it is done as soon as the "
                    + "host answers again");
        }
    }

    private Step defineStep(Plan.Change c) {
        return new Step() {
            @Override
            public boolean undoIsIdempotent() {
                return true;
            }

            @Override
            public String apply() {
                host.define(c.after());
                return null;
            }

            @Override
            public void undo() {
                host.define(c.before());
            }

            @Override
            public String what() {
                return "put back the definition of " + c.vm();
            }
        };
    }

    private Step hotplugStep(Plan.HotPlug h) {
        return new Step() {
            @Override
            public String apply() {
                if (h.attach()) {
                    host.attach(h.vm(), h.deviceXml());
                } else {
                    host.detach(h.vm(), h.deviceXml());
                }
                Logger.info("VM {}: {} {}", h.vm(), h.attach() ? "plugged in" : "unplugged", h.device());
                return null;
            }

            @Override
            public void undo() {
                if (h.attach()) {
                    host.detach(h.vm(), h.deviceXml());
                } else {
                    host.attach(h.vm(), h.deviceXml());
                }
            }

            @Override
            public String what() {
                return (h.attach() ? "unplugged " : "plugged back ") + h.device() + (h.attach() ? " from " : " into ") + h.vm();
            }
        };
    }

    /** Through libvirt (mdevctl on the host); where that is missing, the kernel's sysfs files over the link's ssh. */
    private Step mdevStep(Plan.MdevChange m) {
        return new Step() {
            private String nodeDevice = m.nodeDevice();
            private boolean viaSysfs;
            private boolean skipped;

            @Override
            public String apply() {
                try {
                    if (m.create()) {
                        nodeDevice = host.createMdev(m.parent(), m.type(), m.uuid());
                    } else {
                        host.removeMdev(m.nodeDevice());
                    }
                    return null;
                } catch (VmHostException e) {
                    if (e.kind() != Kind.UNSUPPORTED && !e.getMessage().contains("mdevctl")) {
                        throw e;
                    }
                    Logger.info("{} mediated device {} through sysfs: {}", m.create() ? "creating" : "removing", m.uuid(),
                            e.getMessage());
                }
                try {
                    sysfs(m.create());
                    viaSysfs = true;
                    return null;
                } catch (VmHostException e) {
                    if (e.kind() != Kind.UNSUPPORTED) {
                        throw e;
                    }
                    skipped = true;
                    return m.create() ? "mediated device " + m.uuid() + " (" + m.type() + ") must exist before the VM starts, "
                            + "and this host cannot make it from here: virsh nodedev-define/nodedev-start or mdevctl on the host"
                            : "mediated device " + m.uuid() + " is no longer used; remove it on the host (mdevctl stop/undefine)";
                }
            }

            @Override
            public void undo() {
                if (skipped) {
                    return;
                }
                if (viaSysfs) {
                    sysfs(!m.create());
                } else if (m.create()) {
                    host.removeMdev(nodeDevice);
                } else {
                    host.createMdev(m.parent(), m.type(), m.uuid());
                }
            }

            @Override
            public String what() {
                return (m.create() ? "removed mediated device " : "re-created mediated device ") + m.uuid();
            }

            private void sysfs(boolean create) {
                String safe = "[A-Za-z0-9_.:-]+";
                if (!m.uuid().matches("[0-9a-f-]{36}") || m.type() == null || !m.type().matches(safe)
                        || m.parentSysfs() == null || !m.parentSysfs().matches(safe)) {
                    throw new VmHostException(Kind.FAILED, "mediated device " + m.uuid() + ": unexpected names from the host");
                }
                String script = create
                        ? "echo " + m.uuid() + " > /sys/class/mdev_bus/" + m.parentSysfs() + "/mdev_supported_types/" + m.type() + "/create"
                        : "echo 1 > /sys/bus/mdev/devices/" + m.uuid() + "/remove";
                shell.run((create ? "creating" : "removing") + " mediated device " + m.uuid(), script, Duration.ofSeconds(60));
            }
        };
    }

    // ---- SR-IOV ----

    /** How long libvirt may take to list new virtual functions (it hears of them from udev on the host). */
    private static final Duration VFS_APPEAR = Duration.ofSeconds(30);

    /** What an SR-IOV change did: the count before and after, and the virtual functions libvirt now lists. */
    record SriovChange(String pf, int before, int after, GpuInventory.Sriov sriov) {}

    /**
     * Sets the number of virtual functions of an SR-IOV physical function ({@code sriov_numvfs} on the host: libvirt
     * has no API for it). Every existing VF is removed first (the kernel allows no other change), so no VF may be in
     * a running VM, and none that would disappear may be in any VM's definition.
     *
     * @param confirmed the caller has seen what this does; without it the answer says what it would do
     */
    SriovChange setSriov(String pfId, int numVfs, boolean confirmed) {
        synchronized (changes) {
            HostSnapshot snap = snapshot();
            HostDevices.PciFunction pf = GpuMoves.sriovPf(snap, pfId);
            Integer max = pf.maxVfs();
            if (numVfs < 0 || (max != null && numVfs > max)) {
                throw new VmHostException(Kind.INVALID, "numvfs must be from 0 to " + (max == null ? "the device's maximum" : max)
                        + " for " + pf.address() + "; got " + numVfs);
            }
            int before = pf.vfs().size();
            List<String> inUse = new ArrayList<>();
            for (int i = 0; i < pf.vfs().size(); i++) {
                PciAddress vf = pf.vfs().get(i);
                for (String vm : snap.pciHolders(vf)) {
                    if (snap.state(vm).active()) {
                        inUse.add(vf + " is in " + vm + ", which is running");
                    } else if (i >= numVfs) {
                        inUse.add(vf + " would disappear from the definition of " + vm + " (release it first)");
                    }
                }
            }
            if (!inUse.isEmpty() && numVfs != before) {
                throw new VmHostException(Kind.CONFLICT, "cannot change the virtual functions of " + pf.address() + ": "
                        + String.join("; ", inUse));
            }
            if (numVfs == before) {
                return new SriovChange(pf.address().toString(), before, before, GpuInventory.sriov(snap, pf));
            }
            if (!confirmed) {
                throw new VmHostException(Kind.INVALID, "confirm: true is required: setting " + pf.address() + " from "
                        + before + " to " + numVfs + " virtual functions removes every one it has now"
                        + (before == 0 ? "" : " (" + pf.vfs().stream().map(PciAddress::toString).toList() + ")")
                        + " and creates " + numVfs + " new ones");
            }
            // The kernel only accepts a new count when there are none: 0 first, then the new one.
            String file = "/sys/bus/pci/devices/" + pf.address() + "/sriov_numvfs";
            String now = shell.run("setting sriov_numvfs of " + pf.address(),
                    "set -e; f=" + file + "; [ \"$(cat $f)\" = 0 ] || echo 0 > $f; [ " + numVfs + " = 0 ] || echo " + numVfs
                            + " > $f; cat $f", Duration.ofSeconds(60)).strip();
            Logger.info("SR-IOV: {} now has {} virtual functions (was {})", pf.address(), now, before);
            long end = System.nanoTime() + VFS_APPEAR.toNanos();
            host.forgetAll();
            HostSnapshot after = snapshot();
            HostDevices.PciFunction seen = GpuMoves.sriovPf(after, pfId);
            while (seen.vfs().size() != numVfs && System.nanoTime() < end) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                host.forgetAll(); // the PF's list of VFs changes with no event of its own
                after = snapshot();
                seen = GpuMoves.sriovPf(after, pfId);
            }
            return new SriovChange(pf.address().toString(), before, numVfs, GpuInventory.sriov(after, seen));
        }
    }

    // ---- power ----

    public void power(String vm, PowerAction action) {
        host.power(vm, action);
        Logger.info("VM {}: {}", vm, action.name().toLowerCase());
    }

    /** Asks the guest to shut down; after the timeout, forces it off when asked to, else offers to. */
    VmJobs.Job shutdown(String vm, Duration timeout, boolean force) {
        DomainState state = host.state(vm);
        if (!state.active()) {
            throw new VmHostException(Kind.CONFLICT, vm + " is already " + state.label());
        }
        return jobs.submit("shutdown", vm, job -> shutDown(job, vm, timeout, force));
    }

    VmJobs.Status job(String id) {
        return jobs.status(id);
    }

    Duration defaultTimeout() {
        return settings.shutdownTimeout();
    }

    private VmJobs.Outcome shutDown(VmJobs.Job job, String vm, Duration timeout, boolean force) throws InterruptedException {
        if (!host.state(vm).active()) {
            return new VmJobs.Outcome(VmJobs.State.DONE, vm + " is off", null, null);
        }
        job.progress("asked " + vm + " to shut down; waiting up to " + timeout.toSeconds() + " s");
        host.power(vm, PowerAction.SHUTDOWN);
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!host.state(vm).active()) {
                return new VmJobs.Outcome(VmJobs.State.DONE, vm + " shut down", null, null);
            }
            Thread.sleep(250);
        }
        if (force) {
            job.progress(vm + " did not shut down; forcing it off");
            host.power(vm, PowerAction.DESTROY);
            return new VmJobs.Outcome(VmJobs.State.DONE, vm + " did not shut down within " + timeout.toSeconds()
                    + " s and was forced off", null, null);
        }
        return new VmJobs.Outcome(VmJobs.State.TIMED_OUT, vm + " did not shut down within " + timeout.toSeconds() + " s",
                "force-off", null);
    }

    static Map<String, Object> planView(Plan plan) {
        List<Map<String, Object>> changes = new ArrayList<>();
        for (Plan.Change c : plan.changes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vm", c.vm());
            m.put("state", c.state().label());
            m.put("releases", c.releases());
            m.put("diff", c.diff());
            changes.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", plan.summary());
        out.put("changes", changes);
        List<Map<String, Object>> mdevs = new ArrayList<>();
        for (Plan.MdevChange m : plan.mdevs()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("action", m.create() ? "create" : "remove");
            v.put("uuid", m.uuid());
            v.put("parent", m.parent());
            v.put("type", m.type());
            mdevs.add(v);
        }
        List<Map<String, Object>> hotplugs = new ArrayList<>();
        for (Plan.HotPlug h : plan.hotplugs()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("vm", h.vm());
            v.put("action", h.attach() ? "plug-in" : "unplug");
            v.put("device", h.device());
            hotplugs.add(v);
        }
        out.put("mdevs", mdevs);
        out.put("hotplugs", hotplugs);
        out.put("notes", plan.notes());
        out.put("blockers", plan.blockers());
        return out;
    }

    private HostSnapshot snapshot() {
        return HostSnapshot.read(host, driverHints, settings.offered());
    }

    @Override
    public void close() {
        repairer.shutdownNow();
        jobs.close();
        host.close();
    }
}
