package org.passkvm.doctor;

import java.time.Duration;

/**
 * Where the doctor's fixed scripts run: the VM host over the libvirt link's SSH identity, or a recorded host (a tree
 * of files from a real machine, for the demo and for tests of hardware no emulated host has). Every script sees
 * {@code $R} (the root its paths are under: empty on a real host) and the helpers of {@link Scripts#PRELUDE}: {@link
 * #run} puts {@link #prelude} before the script.
 */
interface Host extends AutoCloseable {

    /**
     * Runs one of the doctor's scripts; its standard output, at most {@code maxOutput} bytes of it.
     *
     * @throws org.passkvm.vm.VmHostException UNAVAILABLE when the host cannot be reached or the script ran out of
     *     time, FAILED when the script failed, UNSUPPORTED when there is no way to the host at all
     */
    String run(String what, String script, byte[] stdin, Duration timeout, int maxOutput);

    /** What each script starts with here: {@code R} and the helpers (a recorded host's answers among them). */
    String prelude();

    /** "ssh" or "recorded", for health and the console. */
    String kind();

    @Override
    default void close() {}
}
