package org.passkvm.vm;

import java.time.Instant;
import java.util.List;

/**
 * The disabled VM host ({@code vm.uri: off}, or no libvirt client library): every VM route still exists and answers
 * 503 with why, so the console and scripts get one clear answer instead of a missing route.
 */
public final class AbsentHost implements VmHost {

    private final String why;
    private final Instant since = Instant.now();

    public AbsentHost(String why) {
        this.why = why;
    }

    @Override
    public Link link() {
        return new Link("off", Link.State.DISCONNECTED, why, since);
    }

    @Override
    public List<String> domainNames() {
        throw off();
    }

    @Override
    public DomainState state(String name) {
        throw off();
    }

    @Override
    public String definition(String name) {
        throw off();
    }

    @Override
    public List<String> nodeDevices(String capability) {
        throw off();
    }

    @Override
    public void define(String domainXml) {
        throw off();
    }

    @Override
    public void power(String name, PowerAction action) {
        throw off();
    }

    @Override
    public String createMdev(String parentNodeDevice, String type, String uuid) {
        throw off();
    }

    @Override
    public void removeMdev(String nodeDevice) {
        throw off();
    }

    @Override
    public void attach(String vm, String deviceXml) {
        throw off();
    }

    @Override
    public void detach(String vm, String deviceXml) {
        throw off();
    }

    @Override
    public void close() {
        // nothing was opened
    }

    private VmHostException off() {
        return new VmHostException(VmHostException.Kind.UNAVAILABLE, why);
    }
}
