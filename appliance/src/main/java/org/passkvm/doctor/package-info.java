/**
 * The passthrough doctor: a fixed, read-only survey of the VM host's GPU-passthrough set-up (over the libvirt link's
 * own SSH identity, or on a recorded host), each check with its evidence, why it matters and the fix; and the few
 * file fixes PassKVM may apply itself, shown as a diff first.
 */
package org.passkvm.doctor;
