package org.passkvm.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One VM's libvirt domain XML, read for the inventory and edited for moves and display changes.
 * Edits touch only the elements they are about; everything else is written back as it came.
 */
public final class DomainDefinition {

    /** PassKVM's own metadata namespace: remembers which GPU and type a mediated device came from. */
    static final String NS = "https://passkvm.org/xmlns/vm/1";

    /** A host device the VM holds: type pci, usb or mdev; source an address, vendor:product or UUID. */
    public record HostDevice(String type, String source, boolean managed) {}

    /** A display-related device: a video adapter (model type) or a graphics console (spice, vnc, …). */
    public record DisplayDevice(String kind, String type, boolean gl) {}

    /**
     * Where a mediated device in this VM was cut from.
     *
     * @param created PassKVM created it for this VM, and removes it from the host when the VM lets go of it
     */
    public record MdevOrigin(String uuid, String parent, String type, boolean created) {}

    /** Primary-display options for a passed-through GPU's first function. */
    public record Rom(boolean bar, String file) {}

    private final Document doc;
    private final Element root;

    private DomainDefinition(Document doc) {
        this.doc = doc;
        this.root = doc.getDocumentElement();
        if (!"domain".equals(root.getTagName())) {
            throw new VmHostException(VmHostException.Kind.INVALID, "not a domain definition: <" + root.getTagName() + ">");
        }
    }

    public static DomainDefinition parse(String xml) {
        return new DomainDefinition(XmlText.parse(xml));
    }

    public DomainDefinition copy() {
        return parse(toXml());
    }

    public String toXml() {
        return XmlText.write(doc);
    }

    // ---- what the inventory shows ----

    public String name() {
        return XmlText.text(root, "name");
    }

    public String uuid() {
        return XmlText.text(root, "uuid");
    }

    public String title() {
        return XmlText.text(root, "title");
    }

    public int vcpus() {
        String v = XmlText.text(root, "vcpu");
        return v == null ? 0 : Integer.parseInt(v);
    }

    /** Maximum memory in KiB, whatever unit the XML uses. */
    public long memoryKiB() {
        Element m = XmlText.child(root, "memory");
        if (m == null) {
            return 0;
        }
        long value = Long.parseLong(m.getTextContent().trim());
        String unit = m.getAttribute("unit").isEmpty() ? "KiB" : m.getAttribute("unit");
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "b", "bytes" -> value / 1024;
            case "k", "kib" -> value;
            case "kb" -> value * 1000 / 1024;
            case "m", "mib" -> value * 1024;
            case "mb" -> value * 1000 * 1000 / 1024;
            case "g", "gib" -> value * 1024 * 1024;
            case "gb" -> value * 1000 * 1000 * 1000 / 1024;
            case "t", "tib" -> value * 1024 * 1024 * 1024;
            default -> value;
        };
    }

    public List<HostDevice> hostDevices() {
        List<HostDevice> out = new ArrayList<>();
        for (Element h : hostdevs()) {
            String type = h.getAttribute("type");
            boolean managed = "yes".equals(h.getAttribute("managed"));
            out.add(new HostDevice(type, source(h), managed));
        }
        return out;
    }

    public List<DisplayDevice> displays() {
        List<DisplayDevice> out = new ArrayList<>();
        for (Element v : XmlText.children(devices(), "video")) {
            Element model = XmlText.child(v, "model");
            String type = model == null ? "default" : model.getAttribute("type");
            Element accel = model == null ? null : XmlText.child(model, "acceleration");
            out.add(new DisplayDevice("video", type, accel != null && "yes".equals(accel.getAttribute("accel3d"))));
        }
        for (Element g : XmlText.children(devices(), "graphics")) {
            Element gl = XmlText.child(g, "gl");
            out.add(new DisplayDevice("graphics", g.getAttribute("type"), gl != null && "yes".equals(gl.getAttribute("enable"))));
        }
        return out;
    }

    /**
     * Which of PassKVM's display modes this VM has, or OTHER. Definitions written before the VNC console existed
     * (SPICE alone; virtio-gl with SPICE's local GL) still count as their mode.
     */
    public DisplayMode displayMode() {
        List<DisplayDevice> d = displays();
        List<String> video = d.stream().filter(x -> x.kind().equals("video")).map(DisplayDevice::type).toList();
        List<DisplayDevice> graphics = d.stream().filter(x -> x.kind().equals("graphics")).toList();
        List<String> consoles = graphics.stream().map(DisplayDevice::type).sorted().toList();
        boolean accel = d.stream().anyMatch(x -> x.kind().equals("video") && x.gl());
        boolean spice = consoles.equals(List.of("spice")) || consoles.equals(List.of("spice", "vnc"));
        if (video.equals(List.of("none")) && graphics.isEmpty()) {
            return DisplayMode.NONE;
        }
        if (video.equals(List.of("virtio")) && accel) {
            boolean spiceGl = consoles.equals(List.of("spice")) && graphics.get(0).gl();
            return spiceGl || consoles.equals(List.of("egl-headless", "vnc")) ? DisplayMode.VIRTIO_GL : DisplayMode.OTHER;
        }
        if (video.equals(List.of("virtio")) && spice) {
            return DisplayMode.VIRTIO;
        }
        if (video.equals(List.of("qxl")) && spice) {
            return DisplayMode.QXL_SPICE;
        }
        return DisplayMode.OTHER;
    }

    /**
     * Where this VM's VNC console listens, as a running VM's XML says (libvirt fills in the port it picked), or null
     * when it has none or it is not reachable on the host alone: only loopback addresses and unix sockets are used,
     * so PassKVM never connects to a display that is open to the network.
     */
    public VncConsole vncConsole() {
        for (Element g : XmlText.children(devices(), "graphics")) {
            if (!g.getAttribute("type").equals("vnc")) {
                continue;
            }
            Element listen = XmlText.child(g, "listen");
            String listenType = listen == null ? "address" : listen.getAttribute("type");
            if (listenType.equals("socket")) {
                String socket = listen.getAttribute("socket");
                return socket.isEmpty() ? null : new VncConsole(null, -1, socket);
            }
            String address = listen != null && !listen.getAttribute("address").isEmpty() ? listen.getAttribute("address")
                    : g.getAttribute("listen");
            int port = g.getAttribute("port").isEmpty() ? -1 : Integer.parseInt(g.getAttribute("port"));
            if (port > 0 && isLoopback(address)) {
                return new VncConsole(address, port, null);
            }
        }
        return null;
    }

    /** A VNC console on the host: a TCP port on a loopback address, or a unix socket. */
    public record VncConsole(String address, int port, String socket) {
        public String describe() {
            return socket != null ? "unix:" + socket : address + ":" + port;
        }
    }

    private static boolean isLoopback(String address) {
        return address.equals("127.0.0.1") || address.equals("::1") || address.equals("localhost");
    }

    public List<MdevOrigin> mdevOrigins() {
        List<MdevOrigin> out = new ArrayList<>();
        Element ours = passkvmMetadata(false);
        if (ours != null) {
            for (Element m : ourMdevs(ours)) {
                out.add(new MdevOrigin(m.getAttribute("uuid"), m.getAttribute("parent"), m.getAttribute("type"),
                        "yes".equals(m.getAttribute("created"))));
            }
        }
        return out;
    }

    public boolean holdsPci(PciAddress a) {
        return hostDevices().stream().anyMatch(h -> h.type().equals("pci") && h.source().equals(a.toString()));
    }

    public boolean holdsUsb(UsbId id) {
        return hostDevices().stream().anyMatch(h -> h.type().equals("usb") && h.source().equals(id.toString()));
    }

    // ---- edits ----

    /** Removes the PCI hostdev for this function; true when there was one. */
    public boolean removePci(PciAddress a) {
        return removeHostdevs("pci", a.toString());
    }

    public boolean removeUsb(UsbId id) {
        return removeHostdevs("usb", id.toString());
    }

    public boolean removeMdev(String uuid) {
        boolean removed = removeHostdevs("mdev", uuid);
        Element ours = passkvmMetadata(false);
        if (ours != null) {
            for (Element m : ourMdevs(ours)) {
                if (m.getAttribute("uuid").equals(uuid)) {
                    ours.removeChild(m);
                }
            }
            Element metadata = (Element) ours.getParentNode();
            if (XmlText.children(ours, null).isEmpty()) {
                metadata.removeChild(ours);
            }
            if (XmlText.children(metadata, null).isEmpty()) {
                root.removeChild(metadata);
            }
        }
        return removed;
    }

    /** Adds a PCI function as {@code managed='yes'}: libvirt binds it to vfio-pci at start and gives it back at stop. */
    public void addPci(PciAddress a, Rom rom) {
        Element h = hostdev("pci");
        h.setAttribute("managed", "yes");
        Element address = el("address");
        a.writeTo(address);
        h.appendChild(el("source")).appendChild(address);
        if (rom != null) {
            h.appendChild(rom(rom));
        }
        devices().appendChild(h);
    }

    private Element rom(Rom rom) {
        Element r = el("rom");
        r.setAttribute("bar", rom.bar() ? "on" : "off");
        if (rom.file() != null && !rom.file().isBlank()) {
            r.setAttribute("file", rom.file());
        }
        return r;
    }

    /** Replaces the ROM options of the hostdev for this function, keeping the rest (e.g. its guest address). */
    public void setRom(PciAddress a, Rom rom) {
        for (Element h : hostdevs()) {
            if (h.getAttribute("type").equals("pci") && source(h).equals(a.toString())) {
                Element old = XmlText.child(h, "rom");
                if (old != null && rom != null) {
                    h.replaceChild(rom(rom), old);
                } else if (old != null) {
                    h.removeChild(old);
                } else if (rom != null) {
                    h.insertBefore(rom(rom), XmlText.child(h, "source").getNextSibling());
                }
            }
        }
    }

    public void addUsb(UsbId id) {
        devices().appendChild(usbHostdev(doc, id));
    }

    /** The {@code <hostdev>} for a USB device by vendor and product, on its own (for hot-plugging). */
    static String usbHostdevXml(UsbId id) {
        Document d = XmlText.parse("<devices/>");
        d.replaceChild(usbHostdev(d, id), d.getDocumentElement());
        return XmlText.write(d);
    }

    private static Element usbHostdev(Document doc, UsbId id) {
        Element h = doc.createElementNS(null, "hostdev");
        h.setAttribute("mode", "subsystem");
        h.setAttribute("type", "usb");
        h.setAttribute("managed", "yes");
        Element source = doc.createElementNS(null, "source");
        Element vendor = doc.createElementNS(null, "vendor");
        vendor.setAttribute("id", id.vendorHex());
        Element product = doc.createElementNS(null, "product");
        product.setAttribute("id", id.productHex());
        source.appendChild(vendor);
        source.appendChild(product);
        h.appendChild(source);
        return h;
    }

    /** Adds a mediated device by UUID and remembers its parent GPU and type in PassKVM's metadata. */
    public void addMdev(String uuid, String parentDevice, String type) {
        addMdev(uuid, parentDevice, type, false);
    }

    /** @param created PassKVM creates it for this VM (and so removes it when the VM lets go of it) */
    public void addMdev(String uuid, String parentDevice, String type, boolean created) {
        Element h = hostdev("mdev");
        h.setAttribute("model", "vfio-pci");
        Element address = el("address");
        address.setAttribute("uuid", uuid);
        h.appendChild(el("source")).appendChild(address);
        devices().appendChild(h);
        Element ours = passkvmMetadata(true);
        Element m = doc.createElementNS(NS, ours.getPrefix() == null ? "mdev" : ours.getPrefix() + ":mdev");
        m.setAttribute("uuid", uuid);
        m.setAttribute("parent", parentDevice);
        m.setAttribute("type", type);
        if (created) {
            m.setAttribute("created", "yes");
        }
        ours.appendChild(m);
    }

    /**
     * Replaces every video adapter and graphics console with the given mode's. Every mode with a picture gets a VNC
     * console on the host's loopback (PassKVM shows it through an SSH tunnel); SPICE, where a mode has it, listens on
     * loopback too. Nothing is opened to the network.
     */
    public void setDisplay(DisplayMode mode) {
        if (mode == DisplayMode.OTHER) {
            throw new IllegalArgumentException("cannot set display mode 'other'");
        }
        Element devices = devices();
        for (Element e : XmlText.children(devices, null)) {
            String type = e.getAttribute("type");
            boolean spiceOnly = (e.getTagName().equals("audio") || e.getTagName().equals("channel")
                    || e.getTagName().equals("redirdev")) && (type.equals("spice") || type.equals("spicevmc"));
            if (e.getTagName().equals("video") || e.getTagName().equals("graphics")
                    || (spiceOnly && (mode == DisplayMode.NONE || mode == DisplayMode.VIRTIO_GL))) {
                devices.removeChild(e);
            }
        }
        if (mode == DisplayMode.VIRTIO_GL) {
            // VirGL renders on the host's GPU (a DRM render node); egl-headless reads the rendered picture back so the
            // VNC console can show it. SPICE's own GL would work only for a viewer on the host itself.
            Element egl = el("graphics");
            egl.setAttribute("type", "egl-headless");
            devices.appendChild(egl);
        } else if (mode != DisplayMode.NONE) {
            devices.appendChild(loopbackConsole("spice"));
        }
        if (mode != DisplayMode.NONE) {
            devices.appendChild(loopbackConsole("vnc"));
        }
        Element video = el("video");
        Element model = el("model");
        switch (mode) {
            case NONE -> model.setAttribute("type", "none");
            case VIRTIO, VIRTIO_GL -> {
                model.setAttribute("type", "virtio");
                model.setAttribute("heads", "1");
                model.setAttribute("primary", "yes");
                if (mode == DisplayMode.VIRTIO_GL) {
                    Element accel = el("acceleration");
                    accel.setAttribute("accel3d", "yes");
                    model.appendChild(accel);
                }
            }
            case QXL_SPICE -> {
                model.setAttribute("type", "qxl");
                model.setAttribute("heads", "1");
                model.setAttribute("primary", "yes");
            }
            default -> throw new IllegalStateException();
        }
        video.appendChild(model);
        devices.appendChild(video);
    }

    private Element loopbackConsole(String type) {
        Element g = el("graphics");
        g.setAttribute("type", type);
        g.setAttribute("autoport", "yes");
        Element listen = el("listen");
        listen.setAttribute("type", "address");
        listen.setAttribute("address", "127.0.0.1");
        g.appendChild(listen);
        return g;
    }

    // ---- XML plumbing ----

    private Element devices() {
        Element d = XmlText.child(root, "devices");
        if (d == null) {
            d = el("devices");
            root.appendChild(d);
        }
        return d;
    }

    private List<Element> hostdevs() {
        return XmlText.children(devices(), "hostdev").stream()
                .filter(h -> "subsystem".equals(h.getAttribute("mode")) || h.getAttribute("mode").isEmpty())
                .toList();
    }

    private static String source(Element hostdev) {
        Element source = XmlText.child(hostdev, "source");
        if (source == null) {
            return "";
        }
        switch (hostdev.getAttribute("type")) {
            case "pci" -> {
                Element a = XmlText.child(source, "address");
                return a == null ? "" : PciAddress.of(a).toString();
            }
            case "usb" -> {
                Element v = XmlText.child(source, "vendor");
                Element p = XmlText.child(source, "product");
                if (v != null && p != null) {
                    return new UsbId(UsbId.hex(v.getAttribute("id")), UsbId.hex(p.getAttribute("id"))).toString();
                }
                Element a = XmlText.child(source, "address");
                return a == null ? "" : "bus " + a.getAttribute("bus") + " device " + a.getAttribute("device");
            }
            case "mdev" -> {
                Element a = XmlText.child(source, "address");
                return a == null ? "" : a.getAttribute("uuid");
            }
            default -> {
                return "";
            }
        }
    }

    private boolean removeHostdevs(String type, String source) {
        boolean removed = false;
        for (Element h : hostdevs()) {
            if (h.getAttribute("type").equals(type) && source(h).equals(source)) {
                h.getParentNode().removeChild(h);
                removed = true;
            }
        }
        return removed;
    }

    private Element hostdev(String type) {
        Element h = el("hostdev");
        h.setAttribute("mode", "subsystem");
        h.setAttribute("type", type);
        return h;
    }

    private Element passkvmMetadata(boolean create) {
        Element metadata = XmlText.child(root, "metadata");
        if (metadata != null) {
            for (Element e : XmlText.children(metadata, null)) {
                if (NS.equals(e.getNamespaceURI())) {
                    return e;
                }
            }
        }
        if (!create) {
            return null;
        }
        if (metadata == null) {
            metadata = el("metadata");
            root.appendChild(metadata);
        }
        Element ours = doc.createElementNS(NS, "passkvm:vm");
        ours.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:passkvm", NS);
        metadata.appendChild(ours);
        return ours;
    }

    private static List<Element> ourMdevs(Element ours) {
        return XmlText.children(ours, null).stream()
                .filter(e -> NS.equals(e.getNamespaceURI()) && "mdev".equals(e.getLocalName()))
                .toList();
    }

    private Element el(String name) {
        return doc.createElementNS(null, name);
    }
}
