package org.passkvm.hid.storage;

/**
 * The SCSI INQUIRY identity the target's OS shows for the drive: vendor (8 characters), product (16) and revision
 * (4), padded into the 28 characters f_mass_storage's {@code inquiry_string} takes.
 */
public record InquiryString(String vendor, String product, String revision) {

    public static final InquiryString DEFAULT = new InquiryString("PassKVM", "Virtual Media", "1.00");

    public InquiryString {
        check("vendor", vendor, 8);
        check("product", product, 16);
        check("revision", revision, 4);
    }

    /** The value to write: each field padded to its width, as the INQUIRY data carries them. */
    public String attribute() {
        return pad(vendor, 8) + pad(product, 16) + pad(revision, 4);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static void check(String field, String value, int max) {
        if (value.length() > max) {
            throw new IllegalArgumentException("inquiry " + field + " must be at most " + max + " characters, got '"
                + value + "'");
        }
        // INQUIRY strings are ASCII graphic characters and spaces (SPC-4 4.3.1).
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("inquiry " + field + " must be printable ASCII, got '" + value + "'");
            }
        }
    }
}
