package io.d2vstreams.runtime.image;

import java.io.UncheckedIOException;
import java.io.EOFException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An image input stream over bytes in memory that stops a decoder which keeps reading past the
 * end. Some decoders take an end of input for zero bits and carry on: TwelveMonkeys' lossless
 * WebP reader, given a 36-byte file whose header declares 13313x910 pixels (within the pixel
 * limit), catches one {@link EOFException} per refill of its bit buffer and decoded for ten
 * minutes, found by {@code FuzzedRecordsTest}. A real decoder may look a few bytes beyond the end
 * (bit readers pre-buffer a word), so the first {@link #READS_PAST_END_ALLOWED} reads there just
 * answer end of stream; after that a read throws {@link ReadPastEndException}, unchecked, so that
 * no decoder's {@code catch (EOFException)} swallows it, and the image is refused as corrupt.
 */
final class EndBoundedImageInputStream extends ImageInputStreamImpl {
    /** Reads at or past the end answered with end of stream before the decoder is stopped. */
    static final int READS_PAST_END_ALLOWED = 4096;

    /** Thrown once a decoder has read past the end more than {@link #READS_PAST_END_ALLOWED} times. */
    static final class ReadPastEndException extends UncheckedIOException {
        ReadPastEndException(int length) {
            super("the decoder read past the end of the " + length + "-byte image more than "
                    + READS_PAST_END_ALLOWED + " times: the data ends before the pixels it declares",
                    new EOFException());
        }
    }

    private final byte[] bytes;
    private int readsPastEnd;

    EndBoundedImageInputStream(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        bitOffset = 0; // ImageInputStreamImpl's contract: a byte read resets the bit position
        if (streamPos >= bytes.length) {
            pastEnd();
            return -1;
        }
        return bytes[(int) streamPos++] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        bitOffset = 0;
        if (length == 0) {
            return 0;
        }
        if (streamPos >= bytes.length) {
            pastEnd();
            return -1;
        }
        int n = (int) Math.min(length, bytes.length - streamPos);
        System.arraycopy(bytes, (int) streamPos, target, offset, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return bytes.length;
    }

    private void pastEnd() {
        if (++readsPastEnd > READS_PAST_END_ALLOWED) {
            throw new ReadPastEndException(bytes.length);
        }
    }
}
