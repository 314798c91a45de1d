package org.passkvm.hid.storage;

/** How the target sees the image: a CD-ROM drive (2048-byte sectors, always read-only) or a removable disk. */
public enum DriveMode {
    CDROM,
    FLASH
}
