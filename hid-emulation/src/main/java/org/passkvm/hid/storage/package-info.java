/**
 * The gadget's USB mass-storage function (f_mass_storage): a removable drive that shows the target an image file
 * as a CD-ROM or a flash drive, with medium changes, mode switches and forced eject as the running kernel allows.
 */
package org.passkvm.hid.storage;
