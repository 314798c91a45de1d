package org.passkvm.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A PCI function as a script printed it: {@code ADDRESS VVVV:DDDD key=value...}. */
record Gpu(String address, String id, Map<String, String> fields) {

    static final String AMD = "1002";
    static final String INTEL = "8086";
    static final String NVIDIA = "10de";

    static Gpu parse(String line) {
        String[] w = line.strip().split("\\s+");
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 2; i < w.length; i++) {
            String[] kv = w[i].split("=", 2);
            fields.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return new Gpu(w[0], w.length > 1 ? w[1] : "", fields);
    }

    /** Every {@code key:} line of the output as a function. */
    static List<Gpu> all(Output o, String key) {
        List<Gpu> out = new ArrayList<>();
        for (String l : o.values(key)) {
            out.add(parse(l));
        }
        return out;
    }

    String vendor() {
        return id.length() >= 4 ? id.substring(0, 4) : "";
    }

    String driver() {
        return fields.getOrDefault("driver", "none");
    }

    String get(String key) {
        return fields.getOrDefault(key, "");
    }

    /** Domain, bus and device: the functions of one card share it. */
    String slot() {
        int dot = address.lastIndexOf('.');
        return dot < 0 ? address : address.substring(0, dot);
    }

    String vendorName() {
        switch (vendor()) {
            case AMD:
                return "AMD";
            case INTEL:
                return "Intel";
            case NVIDIA:
                return "NVIDIA";
            default:
                return "vendor " + vendor();
        }
    }

    @Override
    public String toString() {
        return address + " (" + id + ")";
    }
}
