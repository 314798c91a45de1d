/** The passthrough host's VMs and GPUs: inventory, power, and moving a GPU between VMs, through libvirt. */
package org.passkvm.vm;
