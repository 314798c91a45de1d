package org.passkvm.vm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.w3c.dom.Element;

/**
 * The host as last read, kept current by libvirt's events: a request reads only what an event (or PassKVM's own
 * change) has made stale since, not one call per VM and per device. Where events cannot be had (a driver without
 * them, the link down or just reopened) nothing is trusted and every read goes to the host. Changes on the host that
 * raise no event (a driver bound by hand) are caught by {@code maxAge}: past it, everything is read again.
 *
 * <p>Two locks: events only ever take {@code marks} (libvirt's event thread must not wait behind a call to the
 * host), and reads are made one at a time under {@code reading}. A mark that arrives while its key is being read
 * stays set, so the next request reads it again.
 */
final class CachedHost implements VmHost, HostChanges {

    /** The node-device capabilities {@link HostDevices} reads; mdev_types is refused by hosts without mdev support. */
    private static final List<String> CAPABILITIES = List.of("pci", "usb_device", "mdev", "mdev_types");

    private record NodeDevice(String xml, Set<String> capabilities, String parent, String physFunction,
            List<String> groupMembers) {}

    private final VmHost real;
    private final long maxAgeNanos;
    private final AtomicLong reads = new AtomicLong();
    private final Runnable linkUp;

    private final Object marks = new Object();
    private boolean domainsTrusted;
    private boolean devicesTrusted;
    private boolean domainsStale = true;
    private boolean devicesStale = true;
    private boolean namesStale = true;
    private final Set<String> staleDomains = new HashSet<>();
    private final Set<String> staleDevices = new LinkedHashSet<>();
    private final Set<String> goneDevices = new HashSet<>();

    private final Object reading = new Object();
    private long domainsReadAt;
    private long devicesReadAt;
    private List<String> names = List.of();
    private final Map<String, String> definitions = new HashMap<>();
    private final Map<String, DomainState> states = new HashMap<>();
    private final Map<String, NodeDevice> devices = new LinkedHashMap<>();

    /** @param maxAge how long what was read may be served without any event; zero reads the host every time */
    CachedHost(VmHost real, Duration maxAge) {
        this(real, maxAge, () -> { });
    }

    /** @param linkUp told (on the link's own thread: hand work off) each time the link to the host comes up */
    CachedHost(VmHost real, Duration maxAge, Runnable linkUp) {
        this.real = real;
        this.maxAgeNanos = maxAge.toNanos();
        this.linkUp = linkUp;
        real.watch(this);
    }

    /** Calls made to the host since start: what a refresh costs. */
    long hostReads() {
        return reads.get();
    }

    /** Makes the next request read everything from the host again. */
    void forgetAll() {
        synchronized (marks) {
            domainsStale = true;
            devicesStale = true;
        }
    }

    // ---- events ----

    @Override
    public void domainChanged(String name) {
        synchronized (marks) {
            staleDomains.add(name);
            namesStale = true;
        }
    }

    @Override
    public void nodeDeviceChanged(String name, boolean gone) {
        synchronized (marks) {
            (gone ? goneDevices : staleDevices).add(name);
        }
    }

    @Override
    public void linkChanged(boolean up, boolean domainEvents, boolean deviceEvents) {
        synchronized (marks) {
            domainsTrusted = up && domainEvents && maxAgeNanos > 0;
            devicesTrusted = up && deviceEvents && maxAgeNanos > 0;
            domainsStale = true;
            devicesStale = true;
        }
        if (up) {
            linkUp.run();
        }
    }

    // ---- reads ----

    @Override
    public Link link() {
        return real.link();
    }

    @Override
    public List<String> domainNames() {
        if (!refreshDomains()) {
            return count(real.domainNames());
        }
        synchronized (reading) {
            return names;
        }
    }

    @Override
    public DomainState state(String name) {
        return perDomain(states, name, real::state);
    }

    @Override
    public String definition(String name) {
        return perDomain(definitions, name, real::definition);
    }

    /** A VM's value as held, read from the host when not held (or not to be trusted). */
    private <T> T perDomain(Map<String, T> held, String name, java.util.function.Function<String, T> read) {
        if (!refreshDomains()) {
            return count(read.apply(name));
        }
        synchronized (reading) {
            T value = held.get(name);
            if (value == null) {
                value = count(read.apply(name));
                held.put(name, value);
            }
            return value;
        }
    }

    @Override
    public List<String> nodeDevices(String capability) {
        if (!CAPABILITIES.contains(capability) || !refreshDevices()) {
            return count(real.nodeDevices(capability));
        }
        synchronized (reading) {
            return devices.values().stream().filter(d -> d.capabilities().contains(capability)).map(NodeDevice::xml).toList();
        }
    }

    /** The running VM's own definition: never held here, as it is asked for rarely and changes with every hot-plug. */
    @Override
    public String liveDefinition(String name) {
        return count(real.liveDefinition(name));
    }

    @Override
    public String nodeDevice(String name) {
        return count(real.nodeDevice(name));
    }

    /**
     * Brings the VMs held up to date with the marks made since the last read; false when they may not be trusted and
     * the caller should ask the host itself.
     */
    private boolean refreshDomains() {
        synchronized (reading) {
            boolean all;
            boolean listNames;
            Set<String> domains;
            synchronized (marks) {
                if (!domainsTrusted) {
                    return false;
                }
                all = domainsStale || System.nanoTime() - domainsReadAt > maxAgeNanos;
                listNames = namesStale || all;
                domains = new HashSet<>(staleDomains);
                namesStale = false;
                domainsStale = false;
                staleDomains.clear();
            }
            try {
                if (all) {
                    readDomains();
                    return true;
                }
                if (listNames) {
                    names = count(real.domainNames());
                    definitions.keySet().retainAll(names);
                    states.keySet().retainAll(names);
                }
                List<String> held = new ArrayList<>();
                for (String d : domains) {
                    held.addAll(pciDevicesOf(definitions.remove(d)));
                    states.remove(d);
                    if (names.contains(d)) {
                        try {
                            String now = count(real.definition(d));
                            definitions.put(d, now);
                            held.addAll(pciDevicesOf(now));
                        } catch (VmHostException e) {
                            if (e.kind() != VmHostException.Kind.NOT_FOUND) {
                                throw e;
                            }
                        }
                    }
                }
                if (!held.isEmpty()) {
                    // A VM that starts or stops binds or releases its PCI devices: their drivers change, with no event.
                    synchronized (marks) {
                        staleDevices.addAll(held);
                    }
                }
                return true;
            } catch (VmHostException e) {
                forgetAll();
                throw e;
            }
        }
    }

    /** The same for the host's devices. */
    private boolean refreshDevices() {
        synchronized (reading) {
            boolean all;
            Set<String> changed;
            Set<String> gone;
            synchronized (marks) {
                if (!devicesTrusted) {
                    return false;
                }
                all = devicesStale || System.nanoTime() - devicesReadAt > maxAgeNanos;
                changed = new LinkedHashSet<>(staleDevices);
                gone = new HashSet<>(goneDevices);
                staleDevices.clear();
                goneDevices.clear();
                devicesStale = false;
            }
            try {
                if (all) {
                    readAllDevices();
                    return true;
                }
                if (domainsTrusted) {
                    refreshDomains(); // what VMs started or stopped marks their devices
                    synchronized (marks) {
                        changed.addAll(staleDevices);
                        staleDevices.clear();
                    }
                }
                for (String g : gone) {
                    NodeDevice was = devices.remove(g);
                    changed.addAll(relatives(was));
                }
                changed.removeAll(gone);
                readDevices(changed);
                return true;
            } catch (VmHostException e) {
                forgetAll();
                throw e;
            }
        }
    }

    private void readDomains() {
        names = count(real.domainNames());
        definitions.clear();
        states.clear();
        domainsReadAt = System.nanoTime();
    }

    private void readAllDevices() {
        devices.clear();
        for (String capability : CAPABILITIES) {
            List<String> xmls;
            try {
                xmls = count(real.nodeDevices(capability));
            } catch (VmHostException e) {
                if (e.kind() == VmHostException.Kind.UNAVAILABLE) {
                    throw e;
                }
                continue; // a host without mediated devices refuses their capability names
            }
            for (String xml : xmls) {
                devices.put(XmlText.text(XmlText.parse(xml).getDocumentElement(), "name"), parse(xml));
            }
        }
        devicesReadAt = System.nanoTime();
    }

    /** Reads these devices again; a device that appeared also makes its parent and physical function stale. */
    private void readDevices(Set<String> names) {
        Set<String> todo = new LinkedHashSet<>(names);
        Set<String> done = new HashSet<>();
        while (!todo.isEmpty()) {
            String name = todo.iterator().next();
            todo.remove(name);
            if (!done.add(name)) {
                continue;
            }
            String xml;
            try {
                xml = count(real.nodeDevice(name));
            } catch (VmHostException e) {
                if (e.kind() == VmHostException.Kind.NOT_FOUND) {
                    devices.remove(name);
                    continue;
                }
                throw e;
            }
            NodeDevice now = parse(xml);
            NodeDevice before = devices.put(name, now);
            if (before == null) {
                todo.addAll(relatives(now));
            }
            if (now.capabilities().stream().noneMatch(CAPABILITIES::contains)) {
                devices.remove(name); // a disk, a NIC, …: not something the inventory shows
            }
        }
    }

    /** The devices whose own description names this one: its parent (mdev types) and its physical function (VFs). */
    private static List<String> relatives(NodeDevice d) {
        List<String> out = new ArrayList<>();
        if (d != null) {
            if (d.parent() != null) {
                out.add(d.parent());
            }
            if (d.physFunction() != null) {
                out.add(d.physFunction());
            }
        }
        return out;
    }

    /** The node devices of the PCI functions a definition holds, with the other members of their IOMMU groups. */
    private List<String> pciDevicesOf(String definitionXml) {
        if (definitionXml == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (DomainDefinition.HostDevice h : DomainDefinition.parse(definitionXml).hostDevices()) {
            if (h.type().equals("pci")) {
                String name = PciAddress.parse(h.source()).deviceName();
                out.add(name);
                NodeDevice d = devices.get(name);
                if (d != null) {
                    out.addAll(d.groupMembers());
                }
            }
        }
        return out;
    }

    private static NodeDevice parse(String xml) {
        Element device = XmlText.parse(xml).getDocumentElement();
        Set<String> caps = new HashSet<>();
        var all = device.getElementsByTagName("capability");
        String physFunction = null;
        List<String> members = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element c = (Element) all.item(i);
            caps.add(c.getAttribute("type"));
            Element a = XmlText.child(c, "address");
            if (c.getAttribute("type").equals("phys_function") && a != null) {
                physFunction = PciAddress.of(a).deviceName();
            }
            Element group = XmlText.child(c, "iommuGroup");
            if (group != null) {
                XmlText.children(group, "address").forEach(m -> members.add(PciAddress.of(m).deviceName()));
            }
        }
        return new NodeDevice(xml, caps, XmlText.text(device, "parent"), physFunction, members);
    }

    private <T> T count(T value) {
        reads.incrementAndGet();
        return value;
    }

    // ---- changes: passed on, and what they touch is read again ----

    @Override
    public void define(String domainXml) {
        changing(DomainDefinition.parse(domainXml).name(), () -> real.define(domainXml));
    }

    @Override
    public void power(String name, PowerAction action) {
        changing(name, () -> real.power(name, action));
    }

    @Override
    public String createMdev(String parentNodeDevice, String type, String uuid) {
        try {
            String name = real.createMdev(parentNodeDevice, type, uuid);
            nodeDeviceChanged(name, false);
            return name;
        } finally {
            nodeDeviceChanged(parentNodeDevice, false);
        }
    }

    @Override
    public void removeMdev(String nodeDevice) {
        try {
            real.removeMdev(nodeDevice);
        } finally {
            nodeDeviceChanged(nodeDevice, true);
        }
    }

    @Override
    public void attach(String vm, String deviceXml) {
        changing(vm, () -> real.attach(vm, deviceXml));
    }

    @Override
    public void detach(String vm, String deviceXml) {
        changing(vm, () -> real.detach(vm, deviceXml));
    }

    /** Makes a change to a VM and marks it to be read again, whether the change went through or not. */
    private void changing(String vm, Runnable change) {
        try {
            change.run();
        } finally {
            domainChanged(vm);
        }
    }

    @Override
    public void close() {
        real.close();
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
