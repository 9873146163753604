package io.d2vstreams.runtime.importer;

import java.nio.ByteBuffer;

/**
 * Widens IEEE 754 half precision and bfloat16 to float32. Both widenings are exact, so an F16 or
 * BF16 checkpoint serves the very values it was trained with. Java 17 has no
 * {@code Float.float16ToFloat} (added in Java 20), hence the bit arithmetic.
 */
final class FloatDecoding {

    /** float32 exponent bias (127) minus half exponent bias (15). */
    private static final int HALF_TO_FLOAT_EXPONENT = 127 - 15;

    private FloatDecoding() {}

    /** Reads {@code count} little-endian values of {@code dtype} from {@code src} into {@code dst} from {@code at}. */
    static void decode(SafetensorsDtype dtype, ByteBuffer src, float[] dst, int at, int count) {
        switch (dtype) {
            case F32 -> src.asFloatBuffer().get(dst, at, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = halfToFloat(src.getShort(src.position() + 2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = bfloat16ToFloat(src.getShort(src.position() + 2 * i));
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a float type this reader widens");
        }
    }

    /** bfloat16 is the upper half of a float32: shift it back into place. */
    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** IEEE 754 binary16 → binary32: 1 sign, 5 exponent (bias 15), 10 mantissa bits. */
    static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) { // infinity or NaN; the NaN payload is kept
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa · 2^-24, exactly representable in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + HALF_TO_FLOAT_EXPONENT) << 23) | (mantissa << 13));
    }
}
