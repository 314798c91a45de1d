package org.passkvm.doctor;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.Audit;
import org.passkvm.web.auth.AuthGate;
import org.passkvm.web.auth.Principal;

/**
 * The doctor's API: operators survey the host; admins see a fix's diff and apply it. A fix is named by its check's
 * id only: the file, the lines and the commands are PassKVM's own.
 */
public final class DoctorRoutes implements WebModule {

    /** @param digest the diff's SHA-256 the caller confirms (as GET …/fix gave it) */
    record ApplyRequest(Boolean confirm, String digest, Boolean updateInitramfs) {}

    private final Doctor doctor;
    private final String unavailable;
    private final Audit audit;

    /** @param audit where applied fixes are recorded (null: not recorded, tests only) */
    public DoctorRoutes(Doctor doctor, Audit audit) {
        this.doctor = doctor;
        this.unavailable = null;
        this.audit = audit;
    }

    private DoctorRoutes(String why) {
        this.doctor = null;
        this.unavailable = why;
        this.audit = null;
    }

    /** The same routes, each answering 503 with why (VM control is off or has no host). */
    public static DoctorRoutes unavailable(String why) {
        return new DoctorRoutes(why);
    }

    @Override
    public void register(Api api) {
        api.get("/api/host/checks", Role.OPERATOR, ctx -> ctx.json(doctor().survey()));
        api.get("/api/host/checks/{id}/fix", Role.ADMIN, ctx -> {
            FileFixes.Plan p = doctor().plan(ctx.pathParam("id"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("check", p.check());
            out.put("file", p.file());
            out.put("diff", p.diff());
            out.put("digest", p.digest());
            out.put("then", p.then());
            out.put("canUpdateInitramfs", true);
            ctx.json(out);
        });
        api.post("/api/host/checks/{id}/fix", Role.ADMIN, this::apply);
    }

    private void apply(Context ctx) {
        ApplyRequest req = ctx.body().isBlank() ? new ApplyRequest(null, null, null) : Json.read(ctx, ApplyRequest.class);
        String id = ctx.pathParam("id");
        Doctor.Applied a = doctor().apply(id, Boolean.TRUE.equals(req.confirm()), req.digest(), Boolean.TRUE.equals(req.updateInitramfs()));
        if (audit != null) {
            Principal p = ctx.attribute(AuthGate.PRINCIPAL);
            String user = p == null ? null : p.user();
            long added = a.diff().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++")).count();
            audit.record(user, ctx.ip(), "HOST_FILE_FIX", id + ": " + a.file() + " +" + added + " lines ("
                    + a.diff().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++") && !l.startsWith("+#"))
                            .map(l -> l.substring(1)).reduce((x, y) -> x + "; " + y).orElse("") + ")", 200);
            if (a.initramfs() != null) {
                audit.record(user, ctx.ip(), "HOST_INITRAMFS", id + ": regenerated the initramfs", 200);
            }
        }
        ctx.json(a);
    }

    private Doctor doctor() {
        if (doctor == null) {
            throw new Refusal(Refusal.Kind.UNAVAILABLE, "the passthrough doctor needs the VM host: " + unavailable);
        }
        return doctor;
    }
}
