/**
 * Virtual media: the image store in the data directory (uploads, downloads, checksums, space checks) and the drive
 * that presents an image to the target as a USB CD-ROM or flash drive, with its REST API.
 */
package org.passkvm.media;
