package org.passkvm.vmdisplay;

import java.util.function.Function;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceException;
import org.passkvm.video.VideoSource;

/**
 * The console's one picture, from the HDMI capture (whichever VM holds the GPU) or from one VM's virtual display.
 * The stream keeps running across a switch: the capture thread closes the old source and opens the new one at its
 * next grab, so every viewer (console, snapshots, MJPEG, H.264, VNC) follows without reconnecting.
 */
public final class SourceSwitch implements VideoSource {

    private final VideoSource hdmi;
    private volatile Function<String, VmDisplaySource> vmSources;
    private volatile VideoSource wanted;
    /** Opened by the capture thread; only it touches this. */
    private VideoSource current;

    public SourceSwitch(VideoSource hdmi) {
        this.hdmi = hdmi;
        this.wanted = hdmi;
    }

    /** How a VM's display is opened; until this is called (no VM host), only HDMI can be shown. */
    void connect(Function<String, VmDisplaySource> vmSources) {
        this.vmSources = vmSources;
    }

    /** Shows this VM's display, or the HDMI capture for null; returns at once (the capture thread switches). */
    synchronized void select(String vm) {
        VideoSource w = wanted;
        if (vm == null) {
            wanted = hdmi;
        } else if (!(w instanceof VmDisplaySource v && v.vm().equals(vm))) {
            if (vmSources == null) {
                throw new IllegalStateException("VM displays are off: there is no VM host");
            }
            wanted = vmSources.apply(vm);
        }
    }

    /** The VM shown, or null for HDMI. */
    String selected() {
        return wanted instanceof VmDisplaySource v ? v.vm() : null;
    }

    /** The VM source the console's input goes to, or null while HDMI is shown. */
    VmDisplaySource vmSource() {
        return wanted instanceof VmDisplaySource v ? v : null;
    }

    @Override
    public String kind() {
        VideoSource w = wanted;
        return w instanceof VmDisplaySource v ? "vm:" + v.vm() : hdmi.kind();
    }

    @Override
    public void open() throws SourceException {
        VideoSource w = wanted;
        current = w;
        w.open();
    }

    @Override
    public RawFrame grab() throws SourceException {
        VideoSource w = wanted;
        if (current != w) {
            closeCurrent();
            current = w;
            w.open();
        }
        return w.grab();
    }

    @Override
    public int skipped() {
        VideoSource c = current;
        return c == null ? 0 : c.skipped();
    }

    private void closeCurrent() {
        VideoSource c = current;
        current = null;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
