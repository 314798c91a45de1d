package org.passkvm.hid.storage;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The LUN as the kernel has it now.
 *
 * @param image the loaded file, empty when no medium is in the drive
 * @param hostConfigured the gadget is bound and the host has enumerated it
 */
public record DriveState(Optional<Path> image, DriveMode mode, boolean readOnly, boolean hostConfigured) {
}
