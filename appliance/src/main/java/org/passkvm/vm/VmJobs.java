package org.passkvm.vm;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.tinylog.Logger;

/**
 * Slow VM work (a guest's graceful shutdown, a move that waits for one) run in the background,
 * one at a time, with a status the console polls. The last hundred jobs are kept.
 */
final class VmJobs implements AutoCloseable {

    enum State { RUNNING, DONE, TIMED_OUT, FAILED }

    /** What a job reports; {@code offer} is the next step the user may take, e.g. "force-off". */
    record Status(String id, String kind, String vm, String state, String message, String offer, String started,
            String finished, Map<String, Object> result) {}

    /** A job's body: reports progress, returns its final status fields. */
    interface Work {
        Outcome run(Job job) throws Exception;
    }

    record Outcome(State state, String message, String offer, Map<String, Object> result) {}

    static final class Job {
        private final String id;
        private final String kind;
        private final String vm;
        private final Instant started = Instant.now();
        private volatile Outcome outcome;
        private volatile String progress = "queued";
        private volatile Instant finished;

        Job(String id, String kind, String vm) {
            this.id = id;
            this.kind = kind;
            this.vm = vm;
        }

        void progress(String message) {
            progress = message;
        }

        Status status() {
            Outcome o = outcome;
            if (o == null) {
                return new Status(id, kind, vm, "running", progress, null, started.toString(), null, Map.of());
            }
            return new Status(id, kind, vm, o.state().name().toLowerCase().replace('_', '-'), o.message(), o.offer(),
                    started.toString(), String.valueOf(finished), o.result() == null ? Map.of() : o.result());
        }
    }

    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vm-jobs");
        t.setDaemon(true);
        return t;
    });

    synchronized Job submit(String kind, String vm, Work work) {
        Job job = new Job(String.valueOf(ids.incrementAndGet()), kind, vm);
        jobs.put(job.id, job);
        while (jobs.size() > 100) {
            jobs.remove(jobs.keySet().iterator().next());
        }
        worker.execute(() -> {
            Outcome o;
            try {
                o = work.run(job);
            } catch (VmHostException e) {
                o = new Outcome(State.FAILED, e.getMessage(), null, null);
            } catch (Exception e) {
                Logger.warn(e, "VM job {} ({}) failed", job.id, kind);
                o = new Outcome(State.FAILED, String.valueOf(e.getMessage()), null, null);
            }
            job.finished = Instant.now();
            job.outcome = o;
        });
        return job;
    }

    synchronized Status status(String id) {
        Job job = jobs.get(id);
        return job == null ? null : job.status();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
