package org.passkvm.doctor;

import java.util.List;

/**
 * What one check concluded: its status, why (one or two sentences a user can act on) and the fix, if any.
 *
 * @param status pass | warn | fail | not-applicable | unknown
 */
record Finding(String status, String why, Fix fix) {

    static final String PASS = "pass";
    static final String WARN = "warn";
    static final String FAIL = "fail";
    static final String NOT_APPLICABLE = "not-applicable";
    static final String UNKNOWN = "unknown";

    static Finding pass(String why) {
        return new Finding(PASS, why, null);
    }

    static Finding warn(String why, Fix fix) {
        return new Finding(WARN, why, fix);
    }

    static Finding fail(String why, Fix fix) {
        return new Finding(FAIL, why, fix);
    }

    static Finding notApplicable(String why) {
        return new Finding(NOT_APPLICABLE, why, null);
    }

    static Finding unknown(String why) {
        return new Finding(UNKNOWN, why, null);
    }

    /**
     * How to put it right. {@code kind} is command | file | kernel-cmdline | package; {@code steps} are exact, in
     * order; {@code file} names the host file a file fix changes; {@code applicable}: PassKVM can apply it itself
     * (admin, after showing the diff).
     */
    record Fix(String kind, String summary, List<String> steps, String file, boolean applicable) {

        static Fix command(String summary, String... steps) {
            return new Fix("command", summary, List.of(steps), null, false);
        }

        static Fix pkg(String summary, String... steps) {
            return new Fix("package", summary, List.of(steps), null, false);
        }

        static Fix file(String file, boolean applicable, String summary, String... steps) {
            return new Fix("file", summary, List.of(steps), file, applicable);
        }

        static Fix cmdline(String summary, List<String> steps) {
            return new Fix("kernel-cmdline", summary, steps, null, false);
        }
    }
}
