package org.passkvm.hid.storage;

/**
 * What the running kernel's f_mass_storage can do.
 *
 * @param forcedEject {@code forced_eject} exists: a medium the host locked can still be taken away
 * @param inquiryString {@code inquiry_string} exists: the drive's vendor/product can be set
 * @param inquiryStringCdrom a separate CD-ROM identity exists (out-of-tree DVD patches, e.g. PiKVM's kernels)
 * @param cdromMaxBytes the largest image the kernel presents whole as a CD-ROM; larger ones only as flash
 */
public record DriveCapabilities(boolean forcedEject, boolean inquiryString, boolean inquiryStringCdrom,
                                long cdromMaxBytes) {
}
