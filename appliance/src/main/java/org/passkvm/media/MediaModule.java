package org.passkvm.media;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.passkvm.hid.storage.InquiryString;
import org.passkvm.hid.storage.MassStorageDrive;
import org.passkvm.web.Api;
import org.passkvm.web.WebModule;

/** Virtual media assembled: store, drive, downloader and routes; closing it stops transfers. */
public final class MediaModule implements WebModule, AutoCloseable {

    private final VirtualMedia media;
    private final ImageFetcher fetcher;

    private MediaModule(ImageStore store, VirtualDrive drive, Duration stall) throws IOException {
        this.media = new VirtualMedia(store, drive);
        this.fetcher = new ImageFetcher(store, Duration.ofSeconds(20), stall);
    }

    public static MediaModule gadget(Path images, ImageStore.Limits limits, MassStorageDrive drive, InquiryString inquiry,
                                     Duration stall) throws IOException {
        return new MediaModule(ImageStore.open(images, limits), new GadgetDrive(drive, inquiry), stall);
    }

    public static MediaModule demo(Path images, ImageStore.Limits limits, Duration stall) throws IOException {
        return new MediaModule(ImageStore.open(images, limits), new DemoDrive(), stall);
    }

    public static MediaModule absent(Path images, ImageStore.Limits limits, Duration stall, String reason)
            throws IOException {
        return new MediaModule(ImageStore.open(images, limits), new AbsentDrive(reason), stall);
    }

    public VirtualMedia media() {
        return media;
    }

    @Override
    public void register(Api api) {
        new MediaRoutes(media, fetcher).register(api);
    }

    @Override
    public void close() {
        fetcher.close();
        media.close();
    }
}
