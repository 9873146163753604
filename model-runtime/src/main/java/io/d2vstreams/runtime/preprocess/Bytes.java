package io.d2vstreams.runtime.preprocess;

/** Little helpers for reading binary headers: little-endian integers and readable dumps. */
public final class Bytes {

    private Bytes() {
    }

    public static int u16le(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    /** Unsigned 32-bit little-endian value, as a long so sizes near 4 GiB stay positive. */
    public static long u32le(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16
                | (b[off + 3] & 0xFFL) << 24;
    }

    public static boolean startsWith(byte[] b, int off, byte[] prefix) {
        if (off < 0 || b.length - off < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Up to {@code max} bytes from the start, as hex, for "what did we get" messages. */
    public static String hexPrefix(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(b.length, max);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        if (b.length > n) {
            sb.append(" ...");
        }
        return sb.toString();
    }

    /** A four-character code (RIFF chunk id) as text if printable, else as hex. */
    public static String fourCc(byte[] b, int off) {
        StringBuilder sb = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            int c = b[off + i] & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return "0x" + String.format("%02x%02x%02x%02x", b[off] & 0xFF, b[off + 1] & 0xFF,
                        b[off + 2] & 0xFF, b[off + 3] & 0xFF);
            }
            sb.append((char) c);
        }
        return "'" + sb + "'";
    }

    public static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
