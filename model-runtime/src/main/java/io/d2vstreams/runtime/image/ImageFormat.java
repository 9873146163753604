package io.d2vstreams.runtime.image;

import io.d2vstreams.runtime.preprocess.Bytes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image formats we decode, recognised by their leading "magic" bytes rather than by the
 * MIME type a producer claims: a claim can be wrong, the signature is what the decoder will see.
 */
public enum ImageFormat {
    /** PNG signature, PNG spec (ISO/IEC 15948) section 5.2: 89 50 4E 47 0D 0A 1A 0A. */
    PNG("png", List.of("image/png")),
    /** JPEG/JFIF/Exif: SOI marker FF D8 followed by the next marker's FF (ITU T.81 B.1.1.3). */
    JPEG("jpeg", List.of("image/jpeg", "image/jpg", "image/pjpeg")),
    /** GIF: "GIF87a" or "GIF89a" header block (GIF89a spec section 17). */
    GIF("gif", List.of("image/gif")),
    /** Windows BMP: BITMAPFILEHEADER bfType "BM". */
    BMP("bmp", List.of("image/bmp", "image/x-bmp", "image/x-ms-bmp")),
    /** WebP: a RIFF container whose form type is "WEBP" (WebP container spec). */
    WEBP("webp", List.of("image/webp"));

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SOI = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] GIF87A = Bytes.ascii("GIF87a");
    private static final byte[] GIF89A = Bytes.ascii("GIF89a");
    private static final byte[] BMP_TYPE = Bytes.ascii("BM");
    private static final byte[] RIFF = Bytes.ascii("RIFF");
    private static final byte[] WEBP_FORM = Bytes.ascii("WEBP");

    private final String imageIoName;
    private final List<String> mimeTypes;

    ImageFormat(String imageIoName, List<String> mimeTypes) {
        this.imageIoName = imageIoName;
        this.mimeTypes = mimeTypes;
    }

    /** The format name javax.imageio registers readers under. */
    public String imageIoName() {
        return imageIoName;
    }

    /** The canonical MIME type. */
    public String mimeType() {
        return mimeTypes.get(0);
    }

    /**
     * Whether a declared MIME type (as in an event's {@code mime} field) names this format.
     * Parameters after ';' and case are ignored.
     */
    public boolean matchesMime(String mime) {
        if (mime == null) {
            return false;
        }
        int semicolon = mime.indexOf(';');
        String bare = (semicolon >= 0 ? mime.substring(0, semicolon) : mime).trim().toLowerCase(Locale.ROOT);
        return mimeTypes.contains(bare);
    }

    /** The format whose signature starts {@code bytes}, if any. */
    public static Optional<ImageFormat> sniff(byte[] bytes) {
        if (Bytes.startsWith(bytes, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (Bytes.startsWith(bytes, 0, JPEG_SOI)) {
            return Optional.of(JPEG);
        }
        if (Bytes.startsWith(bytes, 0, GIF87A) || Bytes.startsWith(bytes, 0, GIF89A)) {
            return Optional.of(GIF);
        }
        if (Bytes.startsWith(bytes, 0, RIFF) && Bytes.startsWith(bytes, 8, WEBP_FORM)) {
            return Optional.of(WEBP);
        }
        // "BM" is only two bytes; the 14-byte file header plus the 4-byte DIB header size must
        // at least be there, or this is more likely text that happens to start with "BM".
        if (Bytes.startsWith(bytes, 0, BMP_TYPE) && bytes.length >= 18) {
            return Optional.of(BMP);
        }
        return Optional.empty();
    }
}
