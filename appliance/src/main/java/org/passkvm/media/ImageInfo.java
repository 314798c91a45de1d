package org.passkvm.media;

/**
 * One entry of {@code GET /api/media/images}.
 *
 * @param state "ready" (mountable), "hashing" (a file put there by hand, being checksummed), "uploading",
 *     "fetching" (on its way in, not mountable) or "failed" (a download that did not finish; see error)
 * @param sha256 hex digest of the whole file, null until known
 * @param cdrom whether the running kernel can present it whole as a CD-ROM (null when not ready)
 * @param progress bytes so far, bytes expected (null if unknown) and speed, for transfers
 */
public record ImageInfo(String name, long size, String sha256, String state, boolean inUse, Boolean cdrom,
                        Progress progress, String source, String error) {

    public record Progress(long bytes, Long total, long bytesPerSecond) {
    }

    boolean ready() {
        return state.equals("ready");
    }

    ImageInfo withCdrom(Boolean fits) {
        return new ImageInfo(name, size, sha256, state, inUse, fits, progress, source, error);
    }
}
