package org.passkvm.vm;

import java.util.List;

/** A host that passes every call on to a real one: test hosts override only what they change. */
abstract class ForwardingHost implements VmHost {

    protected final VmHost real;

    ForwardingHost(VmHost real) {
        this.real = real;
    }

    @Override
    public Link link() {
        return real.link();
    }

    @Override
    public List<String> domainNames() {
        return real.domainNames();
    }

    @Override
    public DomainState state(String name) {
        return real.state(name);
    }

    @Override
    public String definition(String name) {
        return real.definition(name);
    }

    @Override
    public String liveDefinition(String name) {
        return real.liveDefinition(name);
    }

    @Override
    public List<String> nodeDevices(String capability) {
        return real.nodeDevices(capability);
    }

    @Override
    public String nodeDevice(String name) {
        return real.nodeDevice(name);
    }

    @Override
    public void watch(HostChanges changes) {
        real.watch(changes);
    }

    @Override
    public void define(String domainXml) {
        real.define(domainXml);
    }

    @Override
    public void power(String name, PowerAction action) {
        real.power(name, action);
    }

    @Override
    public String createMdev(String parentNodeDevice, String type, String uuid) {
        return real.createMdev(parentNodeDevice, type, uuid);
    }

    @Override
    public void removeMdev(String nodeDevice) {
        real.removeMdev(nodeDevice);
    }

    @Override
    public void attach(String vm, String deviceXml) {
        real.attach(vm, deviceXml);
    }

    @Override
    public void detach(String vm, String deviceXml) {
        real.detach(vm, deviceXml);
    }

    @Override
    public void close() {
        real.close();
    }
}
