package org.passkvm.appliance;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A part that starts after the console answers (a listening socket, a library that loads slowly): its capability
 * registers routes and health at once, and they see the part as starting until it is there, or why it is not.
 */
public final class Later<T> {

    /** The work that makes the part; what it opens it hands to {@link Parts#own}. */
    @FunctionalInterface
    public interface Task<T> {
        T start() throws Exception;
    }

    public enum State { STARTING, READY, FAILED }

    private final String what;
    private final Task<T> task;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile T value;
    private volatile String failure;

    Later(String what, Task<T> task) {
        this.what = what;
        this.task = task;
    }

    public String what() {
        return what;
    }

    public State state() {
        return value != null ? State.READY : failure != null ? State.FAILED : State.STARTING;
    }

    /** The part, or null while it starts or after it failed. */
    public T get() {
        return value;
    }

    /** Why it did not start; null unless {@link State#FAILED}. */
    public String failure() {
        return failure;
    }

    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return settled.await(timeout, unit);
    }

    /** Runs the task once, on the thread that starts the deferred parts. */
    void run() {
        try {
            T made = task.start();
            if (made == null) {
                throw new IllegalStateException(what + " started as nothing");
            }
            value = made;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted while starting";
        } catch (Exception e) {
            failure = String.valueOf(e.getMessage());
            org.tinylog.Logger.warn("{} did not start: {}", what, failure);
        } finally {
            settled.countDown();
        }
    }

    /** Settles a task that never ran (the appliance stopped first). */
    void abandon() {
        if (value == null && failure == null) {
            failure = "the appliance stopped before it started";
        }
        settled.countDown();
    }
}
