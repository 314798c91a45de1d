package org.passkvm.vm;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The libvirt C calls libvirt-java 0.5.4 does not wrap, bound with JNA. */
interface LibvirtCalls extends Library {

    LibvirtCalls C = Native.load("virt", LibvirtCalls.class);

    /** Checks the XML against libvirt's RNG schema before accepting it (same as virt-xml-validate). */
    int VIR_DOMAIN_DEFINE_VALIDATE = 1;

    Pointer virDomainDefineXMLFlags(Pointer conn, String xml, int flags);

    int virDomainFree(Pointer domain);

    /** Node devices by XML (libvirt ≥ 7.3: mediated devices through mdevctl), and their life. */
    Pointer virNodeDeviceDefineXML(Pointer conn, String xml, int flags);

    int virNodeDeviceCreate(Pointer dev, int flags);

    Pointer virNodeDeviceLookupByName(Pointer conn, String name);

    String virNodeDeviceGetName(Pointer dev);

    int virNodeDeviceIsActive(Pointer dev);

    int virNodeDeviceIsPersistent(Pointer dev);

    int virNodeDeviceDestroy(Pointer dev);

    int virNodeDeviceUndefine(Pointer dev, int flags);

    int virNodeDeviceFree(Pointer dev);

    // ---- events (libvirt-java 0.5.4 has domain lifecycle events only, and no node-device events) ----

    int VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0;
    int VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15;
    int VIR_DOMAIN_EVENT_ID_DEVICE_ADDED = 19;
    int VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE = 0;
    int VIR_NODE_DEVICE_EVENT_ID_UPDATE = 1;
    /** virNodeDeviceEventLifecycleType: the device left the host. */
    int VIR_NODE_DEVICE_EVENT_DELETED = 1;

    /** virConnectDomainEventCallback: started, stopped, defined, undefined, … */
    interface DomainLifecycle extends Callback {
        void invoke(Pointer conn, Pointer domain, int event, int detail, Pointer opaque);
    }

    /** virConnectDomainEventDeviceAddedCallback and …RemovedCallback: a device plugged into or out of a running VM. */
    interface DomainDevice extends Callback {
        void invoke(Pointer conn, Pointer domain, String alias, Pointer opaque);
    }

    /** virConnectNodeDeviceEventLifecycleCallback: created, deleted, defined, undefined. */
    interface NodeDeviceLifecycle extends Callback {
        void invoke(Pointer conn, Pointer device, int event, int detail, Pointer opaque);
    }

    /** virConnectNodeDeviceEventGenericCallback, as the update event calls it. */
    interface NodeDeviceUpdate extends Callback {
        void invoke(Pointer conn, Pointer device, Pointer opaque);
    }

    int virConnectDomainEventRegisterAny(Pointer conn, Pointer domain, int eventId, Callback cb, Pointer opaque,
            Pointer freeCallback);

    int virConnectDomainEventDeregisterAny(Pointer conn, int callbackId);

    int virConnectNodeDeviceEventRegisterAny(Pointer conn, Pointer device, int eventId, Callback cb, Pointer opaque,
            Pointer freeCallback);

    int virConnectNodeDeviceEventDeregisterAny(Pointer conn, int callbackId);

    /** The name a domain object carries; no call to the host. */
    String virDomainGetName(Pointer domain);

    String virGetLastErrorMessage();

    int virGetLastErrorCode();
}
