package org.passkvm.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.files.DataFiles;
import org.w3c.dom.Element;

/**
 * The demo passthrough host: the shipped host file, written to the data directory for libvirt's
 * test driver ({@code test:///<file>}), which keeps its changes in memory and starts afresh each
 * time it connects.
 */
public final class DemoHost {

    static final String RESOURCE = "/vm/demo-host.xml";

    private DemoHost() {}

    /** Writes the shipped host file under the data directory; returns the test-driver URI for it. */
    public static String install(Path dataDir) throws IOException {
        Path file = dataDir.resolve("vm").resolve("demo-host.xml").toAbsolutePath();
        DataFiles.writeAtomically(file, shipped().getBytes(StandardCharsets.UTF_8));
        return "test://" + file;
    }

    /**
     * Driver names by device, from the shipped file: the test driver reads devices but drops their
     * {@code <driver>}, and "bound to vfio-pci or not" is what a passthrough user looks at first.
     */
    public static Map<String, String> driverHints() {
        Map<String, String> out = new LinkedHashMap<>();
        Element node = XmlText.parse(shipped()).getDocumentElement();
        for (Element device : XmlText.children(node, "device")) {
            String driver = XmlText.text(XmlText.child(device, "driver"), "name");
            if (driver != null) {
                out.put(XmlText.text(device, "name"), driver);
            }
        }
        return out;
    }

    static String shipped() {
        try (InputStream in = DemoHost.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("reading " + RESOURCE, e);
        }
    }
}
