package org.passkvm.doctor;

import java.util.function.Function;

/**
 * One fixed, read-only check: the script it runs on the host (after {@link Scripts#PRELUDE}), the commands it shows
 * as evidence, and how it judges the script's output. No part of a check comes from a request.
 */
record Check(String id, String title, String shown, String script, Function<Output, Finding> judge) {}
