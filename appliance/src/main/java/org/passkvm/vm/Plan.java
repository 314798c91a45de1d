package org.passkvm.vm;

import java.util.List;

/**
 * Definition changes PassKVM would make, VM by VM, shown as diffs before they are applied.
 *
 * @param notes what the user should know (e.g. a change that takes effect at the VM's next start)
 */
public record Plan(String summary, List<Change> changes, List<String> notes) {

    /**
     * One VM's new definition.
     *
     * @param releases it gives up a device: a running VM must be shut off first
     */
    public record Change(String vm, DomainState state, boolean releases, String before, String after) {

        public String diff() {
            return UnifiedDiff.of(vm + " (now)", vm + " (after)", before, after);
        }
    }

    /** Running VMs that would lose a device under them. */
    public List<String> blockers() {
        return changes.stream().filter(c -> c.releases() && c.state().active()).map(Change::vm).toList();
    }

    public boolean empty() {
        return changes.isEmpty();
    }
}
