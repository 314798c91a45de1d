package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** libvirt's own schema check: {@code virt-xml-validate FILE domain} (Debian package libvirt-clients). */
final class XmlValidator {

    static final Path BINARY = Path.of("/usr/bin/virt-xml-validate");

    private XmlValidator() {}

    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "virt-xml-validate is missing: apt-get install libvirt-clients");
    }

    static void assertValidDomain(String xml) throws IOException, InterruptedException {
        Path file = Files.createTempFile("passkvm-domain-", ".xml");
        try {
            Files.writeString(file, xml);
            Process p = new ProcessBuilder(BINARY.toString(), file.toString(), "domain").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("virt-xml-validate says:\n%s\nfor:\n%s", out, xml).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
