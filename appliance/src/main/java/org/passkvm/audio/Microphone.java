package org.passkvm.audio;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tinylog.Logger;

/**
 * The console's microphone into the target: Opus packets from one console at a time, decoded on a thread of their
 * own and written to the USB gadget's sound card. The queue holds {@link #QUEUE} packets (200 ms); a console
 * sending faster than the card plays, or a card the target does not read, loses the newest packets instead of
 * growing memory or delay.
 */
public final class Microphone implements AutoCloseable {

    /** NOT_RECORDING: the card is there and takes no sound, as the gadget's does while the target records nothing. */
    public enum State { OFF, NO_GADGET, NO_UAC2_CARD, NOT_RECORDING, IDLE, STREAMING }

    public record Status(String state, String reason, long packets, long dropped) {}

    static final int QUEUE = 10;
    /**
     * Sound written since opening the card that proves the target reads it: a second, more than any card's buffer
     * holds (the gadget's takes about a third of a second before writes block), so filling the buffer alone does not
     * count as the target recording.
     */
    static final long READ_PROOF_FRAMES = AudioSource.RATE;
    private static final byte[] END = new byte[0];

    private final State fixed;
    private final String fixedReason;
    private final MicrophoneSink sink;
    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread worker;
    private volatile String sender;
    private volatile String failure;
    private volatile boolean open;
    private volatile boolean unread;
    private String warned; // the last failure logged: the worker's alone
    private volatile boolean closed;

    private Microphone(State fixed, String reason, MicrophoneSink sink) {
        this.fixed = fixed;
        this.fixedReason = reason;
        this.sink = sink;
        if (sink == null) {
            worker = null;
        } else {
            worker = new Thread(this::run, "microphone");
            worker.setDaemon(true);
            worker.start();
        }
    }

    /**
     * {@code audio.microphone: false}, no gadget to put a microphone on, or a gadget that would not bind with it: the
     * socket refuses with the reason.
     */
    public static Microphone unavailable(State state, String reason) {
        return new Microphone(state, reason, null);
    }

    public static Microphone into(MicrophoneSink sink) {
        return new Microphone(null, null, sink);
    }

    /** Whether no console can ever send here (off, no gadget, the function dropped): nothing to wait for. */
    public boolean unavailable() {
        return fixed != null;
    }

    public Status status() {
        if (fixed != null) {
            return new Status(name(fixed), fixedReason, 0, 0);
        }
        State state;
        String reason = null;
        if (unread && sink.present()) {
            state = State.NOT_RECORDING;
            reason = "the target is not recording from the USB microphone: the sound is dropped until a program on it does ("
                    + failure + ")";
        } else if (failure != null) {
            state = State.NO_UAC2_CARD;
            reason = failure;
        } else if (!sink.present() && !open) {
            state = State.NO_UAC2_CARD;
            reason = "no sound card for " + sink.device() + " (for the gadget's UAC2 card: usb_f_uac2 missing, or the gadget not built)";
        } else {
            state = sender != null ? State.STREAMING : State.IDLE;
        }
        return new Status(name(state), reason, packets.get(), dropped.get());
    }

    private static String name(State s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Makes {@code who} (a socket's id) the sending console; false while another one sends (one microphone at a time). */
    public synchronized boolean begin(String who) {
        if (fixed != null || (sender != null && !sender.equals(who))) {
            return false;
        }
        sender = who;
        return true;
    }

    public void packet(String who, byte[] opus) {
        if (!who.equals(sender) || opus.length == 0) {
            return;
        }
        packets.incrementAndGet();
        if (!queue.offer(opus)) {
            dropped.incrementAndGet();
        }
    }

    public synchronized void end(String who) {
        if (!who.equals(sender)) {
            return;
        }
        sender = null;
        queue.clear();
        queue.offer(END);
    }

    private void run() {
        MicrophoneSink.Output output = null;
        long retryAt = 0;
        long writtenSinceOpen = 0;
        try (OpusDecoder decoder = new OpusDecoder()) {
            while (!closed) {
                byte[] p = queue.poll(200, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                if (p == END) {
                    if (output != null) {
                        output.close();
                        output = null;
                        open = false;
                    }
                    continue;
                }
                if (output == null) {
                    if (System.nanoTime() < retryAt) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    try {
                        output = sink.open();
                        writtenSinceOpen = 0;
                        open = true;
                        failure = null;
                        if (warned == null) {
                            Logger.info("playing into {}", sink.device());
                        }
                    } catch (IOException e) {
                        failure = e.getMessage();
                        retryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                        dropped.incrementAndGet();
                        warnOnce(e.getMessage(), "");
                        continue;
                    }
                }
                short[] pcm = decoder.decode(p);
                try {
                    output.write(pcm);
                    writtenSinceOpen += pcm.length / AudioSource.CHANNELS;
                    if (unread && writtenSinceOpen >= READ_PROOF_FRAMES) {
                        Logger.info("the target records from the USB microphone now");
                        unread = false;
                    }
                    if (!unread) {
                        failure = null;
                        warned = null;
                    }
                } catch (IOException e) {
                    // The gadget's card takes sound only while the target records from its USB microphone; until
                    // then writes time out. Try again in a second, and say it once rather than every second.
                    warnOnce(e.getMessage(), " (is a program on the target recording from it?)");
                    failure = e.getMessage();
                    unread = true;
                    retryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    output.close();
                    output = null;
                    open = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failure = e.getMessage();
            Logger.error("{}", e.getMessage());
        } finally {
            if (output != null) {
                output.close();
            }
        }
    }

    /** Logs a failure the first time it is seen, not at every retry; a success forgets it. */
    private void warnOnce(String message, String hint) {
        if (!message.equals(warned)) {
            Logger.warn("{}{}", message, hint);
            warned = message;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (worker != null) {
            worker.interrupt();
        }
    }
}
