package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.passkvm.testkit.Tools;

/** libvirt's own schema check: {@code virt-xml-validate FILE domain} (Debian package libvirt-clients). */
final class XmlValidator {

    private XmlValidator() {}

    static void requireTools() {
        Tools.require("virt-xml-validate", "xmllint");
    }

    static void assertValidDomain(String xml) throws IOException, InterruptedException {
        Path file = Files.createTempFile("passkvm-domain-", ".xml");
        try {
            Files.writeString(file, xml);
            Process p = new ProcessBuilder(Tools.path("virt-xml-validate").toString(), file.toString(), "domain").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("virt-xml-validate says:\n%s\nfor:\n%s", out, xml).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
