package io.d2vstreams.runtime.importer;

import java.util.Optional;

/**
 * The element types of the safetensors format with their sizes in bytes (the {@code Dtype} enum
 * of huggingface/safetensors). Only the three float types are read as weights; the others are
 * known so that their offsets can still be checked and their tensors skipped by name.
 */
public enum SafetensorsDtype {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Whether {@link SafetensorsFile#readFloats} converts this type to float32 (exactly, all three). */
    public boolean readableAsFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The type the header names, or empty for a name this reader does not know (newer sub-byte types). */
    public static Optional<SafetensorsDtype> parse(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
