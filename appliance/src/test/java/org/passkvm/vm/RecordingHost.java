package org.passkvm.vm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.w3c.dom.Element;

/**
 * A real host, with two test seams: it keeps every domain XML PassKVM defines (to validate each),
 * and can report a fixed set of host devices, since the machine running the tests has no GPU (mediated devices
 * PassKVM would cut from those are then only recorded).
 */
final class RecordingHost extends ForwardingHost {

    final List<String> defined = new CopyOnWriteArrayList<>();
    final List<String> mdevs = new CopyOnWriteArrayList<>();
    private final Map<String, List<String>> devices;

    RecordingHost(VmHost real, Map<String, List<String>> devices) {
        super(real);
        this.devices = devices;
    }

    /** The demo host's node devices, by libvirt capability. */
    static Map<String, List<String>> demoDevices() {
        Element node = XmlText.parse(DemoHost.shipped()).getDocumentElement();
        return XmlText.children(node, "device").stream().collect(Collectors.groupingBy(
                d -> XmlText.child(d, "capability").getAttribute("type"),
                Collectors.mapping(d -> {
                    var doc = javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance();
                    try {
                        var copy = doc.newDocumentBuilder().newDocument();
                        copy.appendChild(copy.importNode(d, true));
                        return XmlText.write(copy);
                    } catch (javax.xml.parsers.ParserConfigurationException e) {
                        throw new IllegalStateException(e);
                    }
                }, Collectors.toList())));
    }





    /** Its devices may be made up, so nothing it says is kept: no events, every read goes to it. */
    @Override
    public void watch(HostChanges changes) {
        changes.linkChanged(link().up(), false, false);
    }

    @Override
    public List<String> nodeDevices(String capability) {
        return devices == null ? real.nodeDevices(capability) : devices.getOrDefault(capability, List.of());
    }

    @Override
    public void define(String domainXml) {
        defined.add(domainXml);
        real.define(domainXml);
    }


    /** With a fixed set of devices the mediated devices are made up too: recorded, not created. */
    @Override
    public String createMdev(String parentNodeDevice, String type, String uuid) {
        if (devices != null) {
            mdevs.add("create " + uuid + " " + type + " on " + parentNodeDevice);
            return "mdev_" + uuid.replace('-', '_');
        }
        return real.createMdev(parentNodeDevice, type, uuid);
    }

    @Override
    public void removeMdev(String nodeDevice) {
        if (devices != null) {
            mdevs.add("remove " + nodeDevice);
            return;
        }
        real.removeMdev(nodeDevice);
    }



}
