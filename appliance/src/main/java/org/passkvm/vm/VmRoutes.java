package org.passkvm.vm;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.Audit;
import org.passkvm.web.auth.AuthGate;
import org.passkvm.web.auth.Principal;

/** The VM and GPU REST API: viewers see the inventory, operators act. */
public final class VmRoutes implements WebModule {

    record ShutdownRequest(Integer timeoutSeconds, Boolean force) {}

    /** {@code paused}: start with the CPUs stopped (devices set up, guest not running yet). */
    record StartRequest(Boolean paused) {}

    record AssignRequest(String vm, String method, String vf, String mdevType, Boolean primary, String romFile,
            Boolean usb, Boolean dryRun, Boolean shutdownHolder, Boolean force, Integer timeoutSeconds) {}

    record ReleaseRequest(String vf, String mdev, Boolean dryRun, Boolean shutdownHolder, Boolean force,
            Integer timeoutSeconds) {}

    record DisplayRequest(String mode, Boolean dryRun) {}

    record SriovRequest(Integer numvfs, Boolean confirm) {}

    private static final Pattern ROM_FILE = Pattern.compile("/[A-Za-z0-9._/+-]+");

    private final VmControl control;
    private final Audit audit;

    /** @param audit where SR-IOV changes are recorded with their before and after (null: only the request line) */
    public VmRoutes(VmControl control, Audit audit) {
        this.control = control;
        this.audit = audit;
    }

    @Override
    public void register(Api api) {
        api.get("/api/vms", Role.VIEWER, ctx -> ctx.json(Map.of("connection", link(), "vms", control.vms())));
        api.get("/api/vms/{name}", Role.VIEWER, ctx -> ctx.json(control.vm(ctx.pathParam("name"))));
        api.post("/api/vms/{name}/start", Role.OPERATOR, ctx -> {
            StartRequest req = ctx.body().isBlank() ? new StartRequest(null) : Json.read(ctx, StartRequest.class);
            String vm = ctx.pathParam("name");
            control.power(vm, Boolean.TRUE.equals(req.paused()) ? PowerAction.START_PAUSED : PowerAction.START);
            ctx.json(control.vm(vm));
        });
        power(api, "force-off", PowerAction.DESTROY);
        power(api, "reboot", PowerAction.REBOOT);
        power(api, "reset", PowerAction.RESET);
        api.post("/api/vms/{name}/shutdown", Role.OPERATOR, this::shutdown);
        api.put("/api/vms/{name}/display", Role.OPERATOR, this::display);
        api.get("/api/vm-jobs/{id}", Role.VIEWER, ctx -> {
            VmJobs.Status s = control.job(ctx.pathParam("id"));
            if (s == null) {
                throw Refusal.notFound("no VM job " + ctx.pathParam("id"));
            }
            ctx.json(s);
        });
        api.get("/api/gpus", Role.VIEWER, ctx -> {
            GpuInventory.Report r = control.gpus();
            ctx.json(Map.of("connection", link(), "gpus", r.gpus(), "mdevParents", r.mdevParents(), "gadget", r.gadget()));
        });
        api.post("/api/gpus/{id}/assign", Role.OPERATOR, this::assign);
        api.post("/api/gpus/{id}/release", Role.OPERATOR, this::release);
        api.put("/api/gpus/{id}/sriov", Role.ADMIN, this::sriov);
    }

    private void power(Api api, String path, PowerAction action) {
        api.post("/api/vms/{name}/" + path, Role.OPERATOR, ctx -> {
            String vm = ctx.pathParam("name");
            control.power(vm, action);
            ctx.json(control.vm(vm));
        });
    }

    private void shutdown(Context ctx) {
        ShutdownRequest req = ctx.body().isBlank() ? new ShutdownRequest(null, null) : Json.read(ctx, ShutdownRequest.class);
        VmJobs.Job job = control.shutdown(ctx.pathParam("name"), timeout(req.timeoutSeconds()), Boolean.TRUE.equals(req.force()));
        ctx.status(202).json(Map.of("job", job.status()));
    }

    private void display(Context ctx) {
        DisplayRequest req = Json.read(ctx, DisplayRequest.class);
        DisplayMode mode = DisplayMode.parse(req.mode());
        String vm = ctx.pathParam("name");
        change(ctx, c -> c.planDisplay(vm, mode), Boolean.TRUE.equals(req.dryRun()), false, false, null);
    }

    private void assign(Context ctx) {
        AssignRequest req = Json.read(ctx, AssignRequest.class);
        if (req.vm() == null || req.vm().isBlank()) {
            throw Refusal.invalid("vm is required: the VM that gets the GPU");
        }
        GpuMoves.Method method = switch (req.method() == null ? "whole" : req.method()) {
            case "whole" -> GpuMoves.Method.WHOLE;
            case "vf" -> GpuMoves.Method.VF;
            case "mdev" -> GpuMoves.Method.MDEV;
            default -> throw Refusal.invalid("method must be whole, vf or mdev; got '" + req.method() + "'");
        };
        if (req.romFile() != null && !ROM_FILE.matcher(req.romFile()).matches()) {
            throw Refusal.invalid("romFile must be an absolute path on the VM host");
        }
        var a = new GpuMoves.Assignment(req.vm(), method, req.vf(), req.mdevType(),
                req.primary() == null ? method == GpuMoves.Method.WHOLE : req.primary(), req.romFile(),
                req.usb() == null ? control.settings().usbFollowsGpu() : req.usb());
        String gpu = ctx.pathParam("id");
        change(ctx, c -> c.planAssign(gpu, a), Boolean.TRUE.equals(req.dryRun()), Boolean.TRUE.equals(req.shutdownHolder()),
                Boolean.TRUE.equals(req.force()), req.timeoutSeconds());
    }

    private void release(Context ctx) {
        ReleaseRequest req = ctx.body().isBlank() ? new ReleaseRequest(null, null, null, null, null, null)
                : Json.read(ctx, ReleaseRequest.class);
        String gpu = ctx.pathParam("id");
        change(ctx, c -> c.planRelease(gpu, req.vf(), req.mdev()), Boolean.TRUE.equals(req.dryRun()),
                Boolean.TRUE.equals(req.shutdownHolder()), Boolean.TRUE.equals(req.force()), req.timeoutSeconds());
    }

    /** Admin only and confirmed: every VF of the device is removed and re-created, whoever uses them. */
    private void sriov(Context ctx) {
        SriovRequest req = Json.read(ctx, SriovRequest.class);
        if (req.numvfs() == null) {
            throw Refusal.invalid("numvfs is required: how many virtual functions the device should have");
        }
        VmControl.SriovChange change = control.setSriov(ctx.pathParam("id"), req.numvfs(), Boolean.TRUE.equals(req.confirm()));
        if (audit != null && change.before() != change.after()) {
            Principal p = ctx.attribute(AuthGate.PRINCIPAL);
            audit.record(p == null ? null : p.user(), ctx.ip(), "SRIOV",
                    change.pf() + " sriov_numvfs " + change.before() + " -> " + change.after(), 200);
        }
        ctx.json(change);
    }

    /** Dry run: the plan. Else apply it; if running VMs stand in the way, shut them down first when asked to. */
    private void change(Context ctx, Function<VmControl, Plan> planner, boolean dryRun, boolean shutdownHolder,
            boolean force, Integer timeoutSeconds) {
        if (dryRun) {
            ctx.json(Map.of("dryRun", true, "plan", VmControl.planView(planner.apply(control))));
            return;
        }
        if (shutdownHolder) {
            Plan preview = planner.apply(control);
            if (!preview.blockers().isEmpty()) {
                VmJobs.Job job = control.applyAfterShutdown(planner, timeout(timeoutSeconds), force);
                ctx.status(202).json(Map.of("job", job.status(), "plan", VmControl.planView(preview)));
                return;
            }
        }
        Plan plan = control.apply(planner);
        ctx.json(Map.of("applied", !plan.empty(), "plan", VmControl.planView(plan)));
    }

    private Duration timeout(Integer seconds) {
        if (seconds == null) {
            return control.defaultTimeout();
        }
        if (seconds < 1 || seconds > 3600) {
            throw Refusal.invalid("timeoutSeconds must be from 1 to 3600");
        }
        return Duration.ofSeconds(seconds);
    }

    private Map<String, Object> link() {
        Link l = control.host().link();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", l.uri());
        m.put("state", l.state().name().toLowerCase());
        m.put("detail", l.detail());
        m.put("since", l.since().toString());
        return m;
    }
}
