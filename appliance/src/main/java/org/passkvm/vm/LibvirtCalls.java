package org.passkvm.vm;

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

    String virGetLastErrorMessage();

    int virGetLastErrorCode();
}
