package org.passkvm.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * The host's devices as libvirt's node-device XML describes them: PCI functions (with IOMMU
 * group, SR-IOV and mediated-device capabilities), USB devices and existing mediated devices.
 */
public final class HostDevices {

    public record MdevType(String id, String name, String deviceApi, int availableInstances) {}

    public record PciFunction(String name, PciAddress address, String parent, int classCode, String vendorId,
            String vendor, String productId, String product, String driver, Integer iommuGroup,
            List<PciAddress> groupMembers, boolean bridge, Integer maxVfs, List<PciAddress> vfs,
            PciAddress physFunction, List<MdevType> mdevTypes) {

        /** PCI base class 0x03: VGA, XGA, 3D or other display controller. */
        public boolean display() {
            return (classCode >> 16) == 0x03;
        }

        /**
         * What to call it in a plan: the product name, or, on a host without the PCI id database (QEMU's VGA has no
         * name there), its address and ids.
         */
        public String label() {
            if (product != null && !product.isBlank()) {
                return product;
            }
            return "PCI device " + address + " [" + vendorId + ":" + productId + "]";
        }
    }

    public record UsbDevice(String name, int bus, int device, UsbId id, String vendor, String product) {}

    public record Mdev(String name, String uuid, String parent, String type) {}

    /**
     * A device that mediated devices are cut from: a GPU (GVT-g, vGPU) or any other parent the kernel offers, such
     * as the mtty sample.
     *
     * @param name libvirt's node-device name
     * @param sysfsName its name under {@code /sys/class/mdev_bus} (a PCI address for a PCI parent)
     */
    public record MdevParent(String name, String sysfsName, String label, List<MdevType> types) {}

    private final Map<PciAddress, PciFunction> pci;
    private final List<UsbDevice> usb;
    private final List<Mdev> mdevs;
    private final List<MdevParent> otherMdevParents;

    private HostDevices(Map<PciAddress, PciFunction> pci, List<UsbDevice> usb, List<Mdev> mdevs,
            List<MdevParent> otherMdevParents) {
        this.pci = pci;
        this.usb = usb;
        this.mdevs = mdevs;
        this.otherMdevParents = otherMdevParents;
    }

    /**
     * @param driverHints driver names by device name, for hosts whose XML lacks them (libvirt's test
     *     driver drops {@code <driver>}); a driver the host reports always wins
     */
    public static HostDevices read(VmHost host, Map<String, String> driverHints) {
        Map<PciAddress, PciFunction> pci = new LinkedHashMap<>();
        for (String xml : host.nodeDevices("pci")) {
            PciFunction f = pciFunction(XmlText.parse(xml).getDocumentElement(), driverHints);
            if (f != null) {
                pci.put(f.address(), f);
            }
        }
        List<UsbDevice> usb = new ArrayList<>();
        for (String xml : host.nodeDevices("usb_device")) {
            UsbDevice u = usbDevice(XmlText.parse(xml).getDocumentElement());
            if (u != null) {
                usb.add(u);
            }
        }
        List<Mdev> mdevs = new ArrayList<>();
        for (String xml : optional(host, "mdev")) {
            Mdev m = mdev(XmlText.parse(xml).getDocumentElement());
            if (m != null) {
                mdevs.add(m);
            }
        }
        List<MdevParent> others = new ArrayList<>();
        for (String xml : optional(host, "mdev_types")) {
            Element device = XmlText.parse(xml).getDocumentElement();
            if (capability(device, "pci") == null) {
                others.add(otherMdevParent(device));
            }
        }
        return new HostDevices(pci, usb, mdevs, others);
    }

    /** Hosts without mediated-device support refuse these capability names: none there. */
    private static List<String> optional(VmHost host, String capability) {
        try {
            return host.nodeDevices(capability);
        } catch (VmHostException e) {
            if (e.kind() == VmHostException.Kind.UNAVAILABLE) {
                throw e;
            }
            return List.of();
        }
    }

    public Map<PciAddress, PciFunction> pci() {
        return pci;
    }

    public PciFunction pci(PciAddress a) {
        return pci.get(a);
    }

    public List<UsbDevice> usb() {
        return usb;
    }

    public List<Mdev> mdevs() {
        return mdevs;
    }

    /** Every mediated-device parent: GPUs and other PCI functions with types first, then the rest (e.g. mtty). */
    public List<MdevParent> mdevParents() {
        List<MdevParent> out = new ArrayList<>();
        pci.values().stream().filter(f -> !f.mdevTypes().isEmpty())
                .forEach(f -> out.add(new MdevParent(f.name(), f.address().toString(), f.label(), f.mdevTypes())));
        out.addAll(otherMdevParents);
        return out;
    }

    private static PciFunction pciFunction(Element device, Map<String, String> hints) {
        Element cap = capability(device, "pci");
        if (cap == null) {
            return null;
        }
        String name = XmlText.text(device, "name");
        PciAddress address = new PciAddress(number(cap, "domain"), number(cap, "bus"), number(cap, "slot"),
                number(cap, "function"));
        String classText = XmlText.text(cap, "class");
        int classCode = classText == null ? 0 : Integer.decode(classText);
        Element vendor = XmlText.child(cap, "vendor");
        Element product = XmlText.child(cap, "product");
        Integer group = null;
        List<PciAddress> members = new ArrayList<>();
        Element iommu = XmlText.child(cap, "iommuGroup");
        if (iommu != null) {
            group = Integer.parseInt(iommu.getAttribute("number"));
            XmlText.children(iommu, "address").forEach(a -> members.add(PciAddress.of(a)));
        }
        boolean bridge = (classCode >> 8) == 0x0604;
        Integer maxVfs = null;
        List<PciAddress> vfs = new ArrayList<>();
        PciAddress pf = null;
        List<MdevType> types = new ArrayList<>();
        for (Element sub : XmlText.children(cap, "capability")) {
            switch (sub.getAttribute("type")) {
                case "pci-bridge", "cardbus-bridge" -> bridge = true;
                case "virt_functions" -> {
                    String max = sub.getAttribute("maxCount");
                    maxVfs = max.isEmpty() ? null : Integer.parseInt(max);
                    XmlText.children(sub, "address").forEach(a -> vfs.add(PciAddress.of(a)));
                }
                case "phys_function" -> {
                    Element a = XmlText.child(sub, "address");
                    pf = a == null ? null : PciAddress.of(a);
                }
                case "mdev_types" -> {
                    for (Element t : XmlText.children(sub, "type")) {
                        types.add(mdevType(t));
                    }
                }
                default -> { }
            }
        }
        String driver = XmlText.text(XmlText.child(device, "driver"), "name");
        if (driver == null) {
            driver = hints.get(name);
        }
        return new PciFunction(name, address, XmlText.text(device, "parent"), classCode,
                vendor == null ? null : vendor.getAttribute("id"), vendor == null ? null : vendor.getTextContent().trim(),
                product == null ? null : product.getAttribute("id"), product == null ? null : product.getTextContent().trim(),
                driver, group, members, bridge, maxVfs, vfs, pf, types);
    }

    /** A parent that is not a PCI function: its types sit in a top-level {@code mdev_types} capability. */
    private static MdevParent otherMdevParent(Element device) {
        List<MdevType> types = new ArrayList<>();
        var all = device.getElementsByTagName("type");
        for (int i = 0; i < all.getLength(); i++) {
            Element t = (Element) all.item(i);
            if (t.getParentNode() instanceof Element c && "mdev_types".equals(c.getAttribute("type"))) {
                types.add(mdevType(t));
            }
        }
        String name = XmlText.text(device, "name");
        String path = XmlText.text(device, "path");
        String sysfs = path == null ? name : path.substring(path.lastIndexOf('/') + 1);
        return new MdevParent(name, sysfs, name, types);
    }

    private static MdevType mdevType(Element t) {
        String avail = XmlText.text(t, "availableInstances");
        return new MdevType(t.getAttribute("id"), XmlText.text(t, "name"), XmlText.text(t, "deviceAPI"),
                avail == null ? 0 : Integer.parseInt(avail));
    }

    private static UsbDevice usbDevice(Element device) {
        Element cap = capability(device, "usb_device");
        if (cap == null) {
            return null;
        }
        Element vendor = XmlText.child(cap, "vendor");
        Element product = XmlText.child(cap, "product");
        if (vendor == null || product == null) {
            return null;
        }
        return new UsbDevice(XmlText.text(device, "name"), number(cap, "bus"), number(cap, "device"),
                new UsbId(UsbId.hex(vendor.getAttribute("id")), UsbId.hex(product.getAttribute("id"))),
                vendor.getTextContent().trim(), product.getTextContent().trim());
    }

    private static Mdev mdev(Element device) {
        Element cap = capability(device, "mdev");
        if (cap == null) {
            return null;
        }
        String name = XmlText.text(device, "name");
        String uuid = XmlText.text(cap, "uuid");
        if (uuid == null && name != null && name.startsWith("mdev_") && name.length() >= 41) {
            uuid = name.substring(5, 41).replace('_', '-');
        }
        Element type = XmlText.child(cap, "type");
        return new Mdev(name, uuid, XmlText.text(device, "parent"), type == null ? null : type.getAttribute("id"));
    }

    private static Element capability(Element device, String type) {
        for (Element c : XmlText.children(device, "capability")) {
            if (type.equals(c.getAttribute("type"))) {
                return c;
            }
        }
        return null;
    }

    private static int number(Element parent, String name) {
        String t = XmlText.text(parent, name);
        return t == null ? 0 : Integer.decode(t);
    }
}
