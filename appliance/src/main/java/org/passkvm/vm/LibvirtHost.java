package org.passkvm.vm;

import com.sun.jna.Pointer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.libvirt.Connect;
import org.libvirt.Device;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.passkvm.web.Refusal.Kind;
import org.tinylog.Logger;

/**
 * The VM host through libvirt: one long-lived connection, kept alive by libvirt's keepalive
 * messages and its event loop, and reopened with exponential backoff whenever it drops (daemon
 * restart, network loss, ssh gone). Calls made while it is down fail fast as UNAVAILABLE instead
 * of hanging a web request.
 *
 * <p>Closing a libvirt connection frees its driver state at once (all of it, for the test driver), and calls in
 * flight do not hold a reference. So calls run under a shared lock and a connection is closed only under the
 * exclusive one: a web request racing shutdown or a reconnect gets an error, not a crash in libvirt.
 */
public final class LibvirtHost implements VmHost {

    /** VIR_DOMAIN_XML_INACTIVE: the persistent definition rather than the running one. */
    private static final int XML_INACTIVE = 2;
    /** VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG: the running VM and its persistent definition. */
    private static final int LIVE_AND_CONFIG = 1 | 2;
    /** VIR_DOMAIN_START_PAUSED. */
    private static final int START_PAUSED = 1;
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    /** How long a close waits for calls in flight; a call still stuck after that keeps its connection (leaked). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final String uri;
    private final int keepaliveSeconds;
    private final Duration maxBackoff;
    private final ScheduledExecutorService supervisor;
    private volatile OpenConnection conn;
    private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
    private volatile Link link;
    private volatile HostChanges watcher;
    /** libvirt API calls that go to the host (a remote procedure call each on qemu+ssh): what reading it costs. */
    private final java.util.concurrent.atomic.AtomicLong apiCalls = new java.util.concurrent.atomic.AtomicLong();
    /** Passes events on to whoever watches now: libvirt's registrations outlive a change of watcher. */
    private final HostChanges relay = new HostChanges() {
        @Override
        public void domainChanged(String name) {
            HostChanges w = watcher;
            if (w != null) {
                w.domainChanged(name);
            }
        }

        @Override
        public void nodeDeviceChanged(String name, boolean gone) {
            HostChanges w = watcher;
            if (w != null) {
                w.nodeDeviceChanged(name, gone);
            }
        }

        @Override
        public void linkChanged(boolean up, boolean domainEvents, boolean deviceEvents) {
            HostChanges w = watcher;
            if (w != null) {
                w.linkChanged(up, domainEvents, deviceEvents);
            }
        }
    };
    private Duration backoff = FIRST_RETRY;
    private boolean closed;

    /**
     * @param keepaliveSeconds interval of libvirt keepalive probes; the link counts as lost after 3 unanswered ones
     * @param maxBackoff the longest wait between reconnect attempts
     */
    public LibvirtHost(String uri, int keepaliveSeconds, Duration maxBackoff) {
        this.uri = uri;
        this.keepaliveSeconds = keepaliveSeconds;
        this.maxBackoff = maxBackoff;
        this.link = new Link(uri, Link.State.CONNECTING, "connecting", Instant.now());
        LibvirtEvents.ensureRunning();
        supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "libvirt-link");
            t.setDaemon(true);
            return t;
        });
        supervisor.execute(this::connect);
        // Keepalive failures surface through the close callback; this check also catches a dead
        // link on drivers without keepalive, and a callback lost while the loop was busy.
        supervisor.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    /** Opens the connection now, waiting up to the timeout; for start-up and tests. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!link.up() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return link.up();
    }

    @Override
    public Link link() {
        return link;
    }

    /** libvirt API calls made to the host so far (local ones, such as a domain object's name, are not counted). */
    public long apiCalls() {
        return apiCalls.get();
    }

    @Override
    public void watch(HostChanges changes) {
        watcher = changes;
        OpenConnection c = conn;
        changes.linkChanged(c != null, c != null && c.subscriptions.domainEvents(), c != null && c.subscriptions.deviceEvents());
    }

    @Override
    public List<String> domainNames() {
        return call("listing VMs", c -> {
            // One round trip for running and defined VMs alike; a domain object carries its name.
            List<String> names = new ArrayList<>();
            apiCalls.incrementAndGet();
            for (Domain d : c.listAllDomains(0)) {
                try {
                    names.add(d.getName());
                } finally {
                    d.free();
                }
            }
            names.sort(String::compareTo);
            return names;
        });
    }

    @Override
    public DomainState state(String name) {
        return onDomain(name, "reading the state of", d -> {
            apiCalls.incrementAndGet();
            return DomainState.values()[d.getInfo().state.ordinal()];
        });
    }

    @Override
    public String definition(String name) {
        return onDomain(name, "reading", d -> {
            apiCalls.incrementAndGet();
            return d.getXMLDesc(XML_INACTIVE);
        });
    }

    @Override
    public String liveDefinition(String name) {
        return onDomain(name, "reading", d -> d.getXMLDesc(0));
    }

    @Override
    public List<String> nodeDevices(String capability) {
        return call("listing host devices", c -> {
            List<String> out = new ArrayList<>();
            apiCalls.addAndGet(2); // libvirt-java counts them first, then lists them
            for (String name : c.listDevices(capability)) {
                apiCalls.addAndGet(2);
                Device dev = c.deviceLookupByName(name);
                try {
                    out.add(dev.getXMLDescription());
                } finally {
                    dev.free();
                }
            }
            return out;
        });
    }

    @Override
    public String nodeDevice(String name) {
        return call("reading host device " + name, c -> {
            apiCalls.addAndGet(2);
            Device dev = c.deviceLookupByName(name);
            try {
                return dev.getXMLDescription();
            } finally {
                dev.free();
            }
        });
    }

    @Override
    public void define(String domainXml) {
        call("defining a VM", c -> {
            Pointer dom = LibvirtCalls.C.virDomainDefineXMLFlags(c.pointer(), domainXml,
                    LibvirtCalls.VIR_DOMAIN_DEFINE_VALIDATE);
            if (dom == null) {
                int code = LibvirtCalls.C.virGetLastErrorCode();
                throw failure("defining a VM", code, LibvirtCalls.C.virGetLastErrorMessage(), c);
            }
            LibvirtCalls.C.virDomainFree(dom);
            return null;
        });
    }

    @Override
    public void power(String name, PowerAction action) {
        onDomain(name, (action == PowerAction.START_PAUSED ? "start" : action.name().toLowerCase()) + " of", d -> {
            switch (action) {
                case START -> d.create();
                case START_PAUSED -> d.create(START_PAUSED);
                case SHUTDOWN -> d.shutdown();
                case DESTROY -> d.destroy();
                case REBOOT -> d.reboot(0);
                case RESET -> d.reset();
            }
            return null;
        });
    }

    @Override
    public String createMdev(String parentNodeDevice, String type, String uuid) {
        String xml = "<device><parent>" + XmlText.escape(parentNodeDevice) + "</parent><capability type='mdev'><type id='"
                + XmlText.escape(type) + "'/><uuid>" + XmlText.escape(uuid) + "</uuid></capability></device>";
        String what = "creating mediated device " + uuid;
        return call(what, c -> {
            Pointer dev = LibvirtCalls.C.virNodeDeviceDefineXML(c.pointer(), xml, 0);
            if (dev == null) {
                throw lastError(what, c);
            }
            try {
                String name = LibvirtCalls.C.virNodeDeviceGetName(dev);
                if (LibvirtCalls.C.virNodeDeviceCreate(dev, 0) < 0) {
                    VmHostException e = lastError(what, c);
                    LibvirtCalls.C.virNodeDeviceUndefine(dev, 0);
                    throw e;
                }
                return name;
            } finally {
                LibvirtCalls.C.virNodeDeviceFree(dev);
            }
        });
    }

    @Override
    public void removeMdev(String nodeDevice) {
        String what = "removing mediated device " + nodeDevice;
        call(what, c -> {
            Pointer dev = LibvirtCalls.C.virNodeDeviceLookupByName(c.pointer(), nodeDevice);
            if (dev == null) {
                throw lastError(what, c);
            }
            try {
                if (LibvirtCalls.C.virNodeDeviceIsActive(dev) == 1 && LibvirtCalls.C.virNodeDeviceDestroy(dev) < 0) {
                    throw lastError(what, c);
                }
                if (LibvirtCalls.C.virNodeDeviceIsPersistent(dev) == 1 && LibvirtCalls.C.virNodeDeviceUndefine(dev, 0) < 0) {
                    throw lastError(what, c);
                }
                return null;
            } finally {
                LibvirtCalls.C.virNodeDeviceFree(dev);
            }
        });
    }

    @Override
    public void attach(String vm, String deviceXml) {
        onDomain(vm, "plugging a device into", d -> {
            d.attachDeviceFlags(deviceXml, LIVE_AND_CONFIG);
            return null;
        });
    }

    @Override
    public void detach(String vm, String deviceXml) {
        onDomain(vm, "unplugging a device from", d -> {
            d.detachDeviceFlags(deviceXml, LIVE_AND_CONFIG);
            return null;
        });
    }

    private VmHostException lastError(String what, OpenConnection c) {
        return failure(what, LibvirtCalls.C.virGetLastErrorCode(), LibvirtCalls.C.virGetLastErrorMessage(), c);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        supervisor.shutdownNow();
        OpenConnection c = conn;
        conn = null;
        if (c != null) {
            closeWhenIdle(c);
        }
    }

    /** Closes a connection no longer handed out, once the calls still using it have returned. */
    private void closeWhenIdle(OpenConnection c) {
        Lock exclusive = inUse.writeLock();
        boolean locked = false;
        try {
            locked = exclusive.tryLock(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            Logger.warn("VM host {}: a call is still running after {} s; leaving its connection open", uri,
                    CLOSE_WAIT.toSeconds());
            return;
        }
        try {
            c.closeQuietly();
        } finally {
            exclusive.unlock();
        }
    }

    @Override
    public String toString() {
        return "libvirt " + uri;
    }

    // ---- the connection's life ----

    private void connect() {
        synchronized (this) {
            if (closed || conn != null) {
                return;
            }
        }
        try {
            OpenConnection c = new OpenConnection(uri);
            try {
                c.setKeepAlive(keepaliveSeconds, 3);
            } catch (LibvirtException e) {
                // Local drivers (test:///, qemu:///embed) have no keepalive; the 1 s check covers them.
                Logger.debug("libvirt keepalive not available on {}: {}", uri, e.getMessage());
            }
            c.registerCloseListener((closedConn, reason) ->
                    later(() -> lost(c, "connection closed (" + reason.name().toLowerCase() + ")")));
            String host = c.getHostName();
            c.subscriptions = LibvirtSubscriptions.register(c.pointer(), relay);
            synchronized (this) {
                if (closed) {
                    c.closeQuietly();
                    return;
                }
                conn = c;
                backoff = FIRST_RETRY;
                link = new Link(uri, Link.State.CONNECTED, host, Instant.now());
            }
            Logger.info("VM host connected: {} ({})", uri, host);
            relay.linkChanged(true, c.subscriptions.domainEvents(), c.subscriptions.deviceEvents());
        } catch (LibvirtException | RuntimeException e) {
            String why = e instanceof LibvirtException le ? le.getError().getMessage() : String.valueOf(e.getMessage());
            retryLater(why);
        }
    }

    private synchronized void retryLater(String why) {
        if (closed) {
            return;
        }
        if (link.state() != Link.State.DISCONNECTED || !link.detail().equals(why)) {
            link = new Link(uri, Link.State.DISCONNECTED, why, Instant.now());
            Logger.warn("VM host {} unreachable: {}; retrying", uri, why);
        }
        supervisor.schedule(this::connect, backoff.toMillis(), TimeUnit.MILLISECONDS);
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
    }

    private void check() {
        boolean alive;
        inUse.readLock().lock();
        OpenConnection c = conn; // read under the lock, as in call(): a close() in between would free it under us
        try {
            if (c == null) {
                return;
            }
            alive = c.isAlive();
        } catch (LibvirtException e) {
            alive = false;
        } finally {
            inUse.readLock().unlock();
        }
        if (!alive) {
            lost(c, "connection lost");
        }
    }

    /** Drops the connection (once, whoever notices first) and starts reconnecting. */
    private void lost(OpenConnection c, String why) {
        synchronized (this) {
            if (conn != c || closed) {
                return;
            }
            conn = null;
            link = new Link(uri, Link.State.DISCONNECTED, why, Instant.now());
        }
        Logger.warn("VM host {}: {}", uri, why);
        relay.linkChanged(false, false, false);
        closeWhenIdle(c);
        supervisor.schedule(this::connect, FIRST_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs on the supervisor thread; never throws into libvirt's event loop, even after close. */
    private void later(Runnable r) {
        try {
            supervisor.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed: nothing to reconnect
        }
    }

    // ---- calls ----

    private interface Call<T> {
        T apply(OpenConnection c) throws LibvirtException;
    }

    private interface DomainCall<T> {
        T apply(Domain d) throws LibvirtException;
    }

    private <T> T onDomain(String name, String what, DomainCall<T> fn) {
        return call(what + " VM '" + name + "'", c -> {
            apiCalls.incrementAndGet();
            Domain d = c.domainLookupByName(name);
            try {
                return fn.apply(d);
            } finally {
                d.free();
            }
        });
    }

    private <T> T call(String what, Call<T> fn) {
        inUse.readLock().lock();
        try {
            OpenConnection c = conn; // read under the lock: a connection seen here is not closed until we return
            if (c == null) {
                throw new VmHostException(Kind.UNAVAILABLE, "the VM host is not connected (" + link.detail() + ")");
            }
            try {
                return fn.apply(c);
            } catch (LibvirtException e) {
                throw failure(what, e.getError().getCode().ordinal(), e.getError().getMessage(), c);
            }
        } finally {
            inUse.readLock().unlock();
        }
    }

    private VmHostException failure(String what, int code, String message, OpenConnection c) {
        ErrorNumber n = code >= 0 && code < ErrorNumber.values().length ? ErrorNumber.values()[code] : ErrorNumber.VIR_ERR_INTERNAL_ERROR;
        Kind kind = switch (n) {
            case VIR_ERR_NO_DOMAIN, VIR_ERR_NO_NODE_DEVICE -> Kind.NOT_FOUND;
            case VIR_ERR_XML_ERROR, VIR_ERR_XML_DETAIL, VIR_ERR_INVALID_ARG -> Kind.INVALID;
            case VIR_ERR_OPERATION_INVALID -> Kind.CONFLICT;
            case VIR_ERR_NO_SUPPORT, VIR_ERR_CONFIG_UNSUPPORTED, VIR_ERR_ARGUMENT_UNSUPPORTED,
                    VIR_ERR_OPERATION_UNSUPPORTED -> Kind.UNSUPPORTED;
            case VIR_ERR_RPC, VIR_ERR_NO_CONNECT, VIR_ERR_INVALID_CONN -> Kind.UNAVAILABLE;
            // Both a lost link ("Cannot recv data"; "client socket is closed", an internal error, for a call made as
            // the link closes) and a failure on the host (a file libvirtd cannot write) are system or internal
            // errors; only the first means the host is unreachable.
            case VIR_ERR_SYSTEM_ERROR, VIR_ERR_INTERNAL_ERROR -> alive(c) ? Kind.FAILED : Kind.UNAVAILABLE;
            default -> Kind.FAILED;
        };
        if (kind == Kind.UNAVAILABLE) {
            later(this::check);
        }
        return new VmHostException(kind, what + ": " + message);
    }

    private static boolean alive(OpenConnection c) {
        try {
            return c.isAlive();
        } catch (LibvirtException e) {
            return false;
        }
    }

    /** A libvirt connection that also hands out its C pointer, for the calls bound in {@link LibvirtCalls}. */
    private static final class OpenConnection extends Connect {

        /** This connection's event registrations. */
        LibvirtSubscriptions subscriptions;

        OpenConnection(String uri) throws LibvirtException {
            super(uri);
        }

        Pointer pointer() {
            return vcp.getPointer();
        }

        void closeQuietly() {
            if (subscriptions != null) {
                subscriptions.cancel();
            }
            try {
                unregisterCloseListener();
            } catch (LibvirtException | RuntimeException ignored) {
                // already gone
            }
            try {
                close();
            } catch (LibvirtException | RuntimeException ignored) {
                // a dead link cannot be closed politely
            }
        }
    }
}
