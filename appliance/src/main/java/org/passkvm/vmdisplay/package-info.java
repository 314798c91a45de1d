/**
 * Every VM's screen in the same console: a running VM's VNC console (on the host's loopback or a unix socket),
 * reached through an SSH tunnel on the libvirt link's identity and read with PassKVM's own RFB client, is a video
 * source beside the HDMI capture. {@link org.passkvm.vmdisplay.SourceSwitch} puts it into the one stream,
 * {@link org.passkvm.vmdisplay.InputRoute} sends the console's input to it, {@link org.passkvm.vmdisplay.VmDisplays}
 * is the switcher's API.
 */
package org.passkvm.vmdisplay;
