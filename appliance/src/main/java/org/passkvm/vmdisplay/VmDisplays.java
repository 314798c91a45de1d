package org.passkvm.vmdisplay;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.vm.VmHost;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/**
 * Every VM's screen in the same console: the source switcher's API. {@code GET /api/video/sources} lists HDMI and
 * each running VM with a virtual display; {@code PUT /api/video/source {"source": "hdmi" | "vm:NAME"}} switches the
 * stream (operator: it changes what every viewer sees, and where the keyboard types).
 */
public final class VmDisplays implements WebModule {

    static final String HDMI = "hdmi";
    static final String HDMI_LABEL = "HDMI (the VM holding the GPU)";
    private static final long LIST_CACHE_NANOS = 2_000_000_000L;

    record SourceRequest(String source) {}

    private final VmConsoles consoles;
    private final SourceSwitch sources;
    private List<String> running = List.of();
    private long listedAt;

    /**
     * @param maxFps the most frames a second asked of a VM's console (the stream's own limit applies on top)
     */
    public VmDisplays(VmHost host, SourceSwitch sources, InputRoute input, int maxFps) {
        this.consoles = new VmConsoles(host);
        this.sources = sources;
        sources.connect(vm -> new VmDisplaySource(vm, consoles.connector(vm), maxFps));
        if (input != null) {
            input.follow(sources::vmSource);
        }
    }

    @Override
    public void register(Api api) {
        api.get("/api/video/sources", Role.VIEWER, ctx -> ctx.json(describe(false)));
        api.put("/api/video/source", Role.OPERATOR, this::select);
    }

    private void select(Context ctx) {
        SourceRequest req = Json.read(ctx, SourceRequest.class);
        String source = req.source() == null ? "" : req.source();
        if (source.equals(HDMI)) {
            sources.select(null);
        } else if (source.startsWith("vm:")) {
            String vm = source.substring(3);
            if (!runningVms(true).contains(vm)) {
                throw Refusal.conflict(vm + " is not a running VM with a virtual display PassKVM can reach; "
                        + "GET /api/video/sources lists those that are");
            }
            sources.select(vm);
        } else {
            throw Refusal.invalid("source must be \"hdmi\" or \"vm:NAME\", got \"" + source + "\"");
        }
        ctx.json(describe(false));
    }

    private Map<String, Object> describe(boolean fresh) {
        List<Map<String, Object>> list = new ArrayList<>();
        list.add(Map.of("id", HDMI, "label", HDMI_LABEL));
        String selected = sources.selected();
        List<String> vms = new ArrayList<>(runningVms(fresh));
        if (selected != null && !vms.contains(selected)) {
            vms.add(selected); // a VM that stopped while shown stays listed: its reason screen is what is shown
        }
        List<String> runningNow = runningVms(false);
        for (String vm : vms) {
            list.add(Map.of("id", "vm:" + vm, "vm", vm, "label", vm, "running", runningNow.contains(vm)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("selected", selected == null ? HDMI : "vm:" + selected);
        out.put("label", selected == null ? HDMI_LABEL : selected + " (virtual display)");
        out.put("sources", list);
        return out;
    }

    /** The running VMs with consoles, looked up at most every 2 s: each look is several calls over the link. */
    private synchronized List<String> runningVms(boolean fresh) {
        if (fresh || System.nanoTime() - listedAt > LIST_CACHE_NANOS) {
            running = consoles.running();
            listedAt = System.nanoTime();
        }
        return running;
    }
}
