package org.passkvm.web;

/** A group of routes registered into the server: power, VMs, Redfish, media, video, input. */
@FunctionalInterface
public interface WebModule {
    void register(Api api);
}
