package org.passkvm.hid.gadget;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;
import org.tinylog.Logger;

/**
 * PassKVM as the target's USB keyboard and mice, through the OTG port's gadget driver. Each HID function has its own
 * non-blocking {@link ReportWriter}; the keyboard's LED byte is read back; the host's USB state is watched so that
 * keys are released whenever the host goes away.
 */
public final class GadgetHid implements HidOutput {

    private final Optional<UsbGadget> gadget;
    private final Map<HidFunction.Role, ReportWriter> writers = new EnumMap<>(HidFunction.Role.class);
    private final boolean absoluteWithPan;
    private final LedReader ledReader;
    private final UsbHostMonitor hostMonitor;
    private final List<Consumer<KeyboardLeds>> ledListeners = new CopyOnWriteArrayList<>();

    GadgetHid(Optional<UsbGadget> gadget, Map<HidFunction, HidEndpoint> endpoints, Optional<HidEndpoint> ledSource,
              Optional<Path> udcClass, ReportWriter.Timing timing) {
        this.gadget = gadget;
        boolean pan = false;
        for (Map.Entry<HidFunction, HidEndpoint> e : endpoints.entrySet()) {
            HidFunction function = e.getKey();
            pan |= function.withPan();
            writers.put(function.role(), new ReportWriter(function.role().name().toLowerCase(), e.getValue(),
                function.reportLength(), timing, this::deviceOnlineChanged).start());
        }
        this.absoluteWithPan = pan;
        this.ledReader = ledSource.map(source -> new LedReader(source, this::ledsChanged).start()).orElse(null);
        this.hostMonitor = gadget.isPresent() && udcClass.isPresent()
            ? new UsbHostMonitor(udcClass.get(), gadget.get()::boundUdc, this::hostStateChanged) : null;
    }

    /** Creates the gadget in configfs, binds it and starts the writers. */
    public static GadgetHid start(KernelPaths kernel, GadgetConfig config) throws IOException {
        UsbGadget gadget = UsbGadget.create(kernel, config);
        try {
            gadget.bind();
            Map<HidFunction, HidEndpoint> endpoints = new LinkedHashMap<>();
            HidEndpoint leds = null;
            for (HidFunction function : config.hidFunctions()) {
                Path node = gadget.deviceNode(function);
                endpoints.put(function, HidgEndpoint.forWriting(node));
                if (function.outputReports()) {
                    leds = HidgEndpoint.forReading(node);
                }
            }
            return new GadgetHid(Optional.of(gadget), endpoints, Optional.ofNullable(leds),
                Optional.of(kernel.udcClass()), ReportWriter.Timing.DEFAULT);
        } catch (IOException | RuntimeException e) {
            // The bind's error is the one to report; a half-built gadget that resists removal is cleaned up by the
            // next create (it removes leftovers), so its error only rides along.
            try {
                gadget.remove();
            } catch (IOException | RuntimeException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    public static GadgetHid start(GadgetConfig config) throws IOException {
        return start(KernelPaths.SYSTEM, config);
    }

    /** Writes to existing device files without touching configfs (a gadget set up elsewhere, or a benchmark pipe). */
    public static GadgetHid onDevices(Map<HidFunction, Path> nodes) {
        Optional<Path> keyboard = nodes.entrySet().stream().filter(e -> e.getKey().outputReports())
            .map(Map.Entry::getValue).findFirst();
        return onDevices(nodes, keyboard);
    }

    /** As {@link #onDevices(Map)}, reading the LED byte from {@code ledNode} (tests feed it through a pipe). */
    static GadgetHid onDevices(Map<HidFunction, Path> nodes, Optional<Path> ledNode) {
        Map<HidFunction, HidEndpoint> endpoints = new LinkedHashMap<>();
        nodes.forEach((function, node) -> endpoints.put(function, HidgEndpoint.forWriting(node)));
        return new GadgetHid(Optional.empty(), endpoints, ledNode.map(HidgEndpoint::forReading), Optional.empty(),
            ReportWriter.Timing.DEFAULT);
    }

    @Override
    public String kind() {
        return "gadget";
    }

    public Optional<UsbGadget> gadget() {
        return gadget;
    }

    @Override
    public void keyboard(KeyboardReport report) {
        submit(HidFunction.Role.KEYBOARD, report.toBytes());
    }

    @Override
    public void absoluteMouse(AbsoluteMouseReport report) {
        submit(HidFunction.Role.ABSOLUTE_MOUSE, report.toBytes(absoluteWithPan));
    }

    @Override
    public void relativeMouse(RelativeMouseReport report) {
        submit(HidFunction.Role.RELATIVE_MOUSE, report.toBytes());
    }

    /** Lets go of every key and button on every device (console disconnect, session end). */
    public void releaseAll() {
        writers.values().forEach(ReportWriter::releaseAll);
    }

    private void submit(HidFunction.Role role, byte[] report) {
        ReportWriter writer = writers.get(role);
        if (writer != null) {
            writer.submit(report);
        } else {
            Logger.debug("no {} function in this gadget: report dropped", role);
        }
    }

    public UsbHostState hostState() {
        return hostMonitor == null ? UsbHostState.CONFIGURED : hostMonitor.state();
    }

    /** A device counts as online when its last report went out and the host is still configured. */
    public boolean online(HidFunction.Role role) {
        ReportWriter writer = writers.get(role);
        return writer != null && writer.online() && hostState() == UsbHostState.CONFIGURED;
    }

    @Override
    public HidStatus status() {
        boolean mouse = online(HidFunction.Role.ABSOLUTE_MOUSE) || online(HidFunction.Role.RELATIVE_MOUSE);
        return new HidStatus(hostState().label(), online(HidFunction.Role.KEYBOARD), mouse, leds());
    }

    public KeyboardLeds leds() {
        return ledReader == null ? KeyboardLeds.OFF : ledReader.leds();
    }

    @Override
    public void onLeds(Consumer<KeyboardLeds> listener) {
        ledListeners.add(listener);
    }

    private void ledsChanged(KeyboardLeds leds) {
        Logger.debug("host set keyboard LEDs {}", leds);
        ledListeners.forEach(l -> l.accept(leds));
    }

    private void deviceOnlineChanged(String device, boolean online) {
        Logger.debug("HID {} {}", device, online ? "online" : "offline");
    }

    private void hostStateChanged(UsbHostState state) {
        Logger.info("USB host state: {}", state.label());
        if (state == UsbHostState.CONFIGURED) {
            writers.values().forEach(ReportWriter::wake); // deliver what waited for the host at once
        } else {
            writers.values().forEach(ReportWriter::hostGone);
        }
    }

    /** Releases everything, stops the writers and removes the gadget from configfs (the host sees an unplug). */
    @Override
    public void close() {
        releaseAll();
        long deadline = System.nanoTime() + 200_000_000L; // give the release reports a moment to reach the host
        while (System.nanoTime() < deadline && !writers.values().stream().allMatch(ReportWriter::idle)) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (hostMonitor != null) {
            hostMonitor.close();
        }
        if (ledReader != null) {
            ledReader.close();
        }
        writers.values().forEach(ReportWriter::close);
        gadget.ifPresent(g -> {
            try {
                g.remove();
            } catch (IOException e) {
                Logger.warn(e, "could not remove the USB gadget");
            }
        });
    }
}
