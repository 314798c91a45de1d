package org.passkvm.vm;

import java.util.List;

/**
 * What PassKVM would do on the host, shown before it is done: definition changes VM by VM (as diffs), mediated
 * devices to create or remove, and PassKVM's USB device plugged into or out of running VMs.
 *
 * @param notes what the user should know (e.g. a change that takes effect at the VM's next start)
 */
public record Plan(String summary, List<Change> changes, List<String> notes, List<MdevChange> mdevs, List<HotPlug> hotplugs) {

    public Plan(String summary, List<Change> changes, List<String> notes) {
        this(summary, changes, notes, List.of(), List.of());
    }

    /**
     * One VM's new definition.
     *
     * @param releases it gives up a device that cannot leave a running VM: a running VM must be shut off first
     */
    public record Change(String vm, DomainState state, boolean releases, String before, String after) {

        public String diff() {
            return UnifiedDiff.of(vm + " (now)", vm + " (after)", before, after);
        }
    }

    /**
     * A mediated device PassKVM creates (before the definitions change) or removes (after: it created it, and the
     * last VM that referenced it let go of it).
     *
     * @param parent the parent's node-device name; {@code parentSysfs} its name under {@code /sys/class/mdev_bus}
     * @param nodeDevice libvirt's name for an existing instance (removals), else null
     */
    public record MdevChange(boolean create, String uuid, String parent, String parentSysfs, String type, String nodeDevice) {}

    /**
     * PassKVM's USB device plugged into ({@code attach}) or out of a running VM, live and in its definition.
     *
     * @param deviceXml the {@code <hostdev>} element
     */
    public record HotPlug(String vm, boolean attach, String device, String deviceXml) {}

    /** Running VMs that would lose a device under them. */
    public List<String> blockers() {
        return changes.stream().filter(c -> c.releases() && c.state().active()).map(Change::vm).toList();
    }

    public boolean empty() {
        return changes.isEmpty() && mdevs.isEmpty() && hotplugs.isEmpty();
    }

    /** The same plan with more notes (what applying it found out). */
    Plan withNotes(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(notes);
        all.addAll(more);
        return new Plan(summary, changes, List.copyOf(all), mdevs, hotplugs);
    }
}
