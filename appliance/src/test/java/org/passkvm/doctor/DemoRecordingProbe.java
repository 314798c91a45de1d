package org.passkvm.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.passkvm.web.Json;

class DemoRecordingProbe {
    @Test
    void print() throws Exception {
        Path dir = Files.createTempDirectory("doc");
        Doctor d = Doctor.demo(dir);
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(d.survey()));
    }
}
