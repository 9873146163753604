package io.d2vstreams.runtime.image;

import io.d2vstreams.runtime.preprocess.Bytes;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes with javax.imageio, refusing what is dangerous before it is
 * expensive: the byte size before parsing, the signature before choosing a reader, and the
 * pixel count that the header declares before a single pixel is allocated.
 *
 * <p>The header check is the defence against decompression bombs: a PNG's IHDR (PNG spec
 * section 11.2.2) or a JPEG's SOF can declare 100000x100000 pixels in a file of a few hundred
 * bytes, and decoding it would allocate tens of gigabytes. {@link ImageReader#getWidth(int)} and
 * {@link ImageReader#getHeight(int)} read only that header.
 *
 * <p>Strict about missing pixels: a truncated or damaged JPEG decodes to a grey lower half
 * with only a warning ("Premature end of JPEG file", "Truncated File - Missing EOI marker"), an
 * image nobody sent, so warnings that say data is missing or undecodable are treated as
 * corruption. Other warnings (a missing ICC profile, odd metadata) leave the pixels whole and
 * are ignored. A decoder that keeps reading past the end of the data (taking it for zeros) is
 * stopped by {@link EndBoundedImageInputStream}. One instance is thread-safe; each call uses its
 * own reader.
 */
final class ImageDecoder {

    /** An image decoded to pixels, with what it turned out to be. */
    record Decoded(BufferedImage image, ImageInfo info) {
    }

    private final long maxPixels;
    private final int maxBytes;

    ImageDecoder(long maxPixels, int maxBytes) {
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
    }

    Decoded decode(byte[] bytes) throws PreprocessException {
        if (bytes.length == 0) {
            throw new PreprocessException(Reason.EMPTY, "image is empty (0 bytes)");
        }
        if (bytes.length > maxBytes) {
            throw new PreprocessException(Reason.TOO_LARGE,
                    "image is " + bytes.length + " bytes; limit is " + maxBytes);
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new PreprocessException(
                Reason.UNSUPPORTED_FORMAT, "no supported image signature (PNG, JPEG, GIF, BMP, WebP) at the start of "
                + bytes.length + " bytes: " + Bytes.hexPrefix(bytes, 12)));
        ImageReader reader = readerFor(format);
        try (ImageInputStream in = new EndBoundedImageInputStream(bytes)) {
            // ignoreMetadata: text chunks (PNG zTXt/iTXt) are compressed too, and are not needed.
            reader.setInput(in, true, true);
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw corrupt(format, "header cannot be read", e);
            }
            checkDimensions(format, width, height);
            StrictWarnings warnings = new StrictWarnings();
            reader.addIIOReadWarningListener(warnings);
            BufferedImage image;
            try {
                image = reader.read(0);
            } catch (IOException | RuntimeException e) {
                // Third-party decoders signal malformed input with IIOException but also with
                // ArrayIndexOutOfBounds, IllegalArgument, NegativeArraySize ... all mean "corrupt".
                throw corrupt(format, "image data cannot be decoded", e);
            }
            if (warnings.first != null) {
                throw new PreprocessException(Reason.CORRUPT,
                        format + " image is damaged: the decoder warned \"" + warnings.first + "\"");
            }
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new PreprocessException(Reason.CORRUPT, format + " header declares " + width + "x" + height
                        + " but the decoder produced " + image.getWidth() + "x" + image.getHeight());
            }
            return new Decoded(image, new ImageInfo(format, width, height));
        } catch (IOException e) {
            // Only close() of an in-memory stream is left here; it does not fail in practice.
            throw corrupt(format, "stream cannot be closed", e);
        } finally {
            reader.dispose();
        }
    }

    private void checkDimensions(ImageFormat format, int width, int height) throws PreprocessException {
        if (width <= 0 || height <= 0) {
            throw new PreprocessException(width == 0 || height == 0 ? Reason.EMPTY : Reason.CORRUPT,
                    format + " header declares " + width + "x" + height + " pixels");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new PreprocessException(Reason.TOO_MANY_PIXELS, "image header declares " + width + "x" + height
                    + " = " + pixels + " pixels; limit is " + maxPixels);
        }
    }

    private static ImageReader readerFor(ImageFormat format) throws PreprocessException {
        // The first registered reader wins; for JPEG that is the TwelveMonkeys plugin (it orders
        // itself before the JDK's) which also reads CMYK and YCCK JPEGs.
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new PreprocessException(Reason.UNSUPPORTED_FORMAT,
                    format + " image found, but no javax.imageio reader for it is on the class path");
        }
        return readers.next();
    }

    private static PreprocessException corrupt(ImageFormat format, String what, Exception e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new PreprocessException(Reason.CORRUPT, format + " " + what + ": " + detail, e);
    }

    /**
     * Remembers the first warning that says pixel data is missing or undecodable. The phrases
     * are libjpeg's (JWRN_JPEG_EOF "Premature end of JPEG file", JWRN_HIT_MARKER "premature end
     * of data segment", JWRN_HUFF_BAD_CODE "bad Huffman code") and TwelveMonkeys' ("Truncated
     * File - Missing EOI marker").
     */
    private static final class StrictWarnings implements javax.imageio.event.IIOReadWarningListener {
        private static final List<String> DAMAGE_SIGNS = List.of("premature end", "truncat", "huffman");

        private String first;

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String text = String.valueOf(warning).toLowerCase(Locale.ROOT);
            if (first == null && DAMAGE_SIGNS.stream().anyMatch(text::contains)) {
                first = warning;
            }
        }
    }
}
