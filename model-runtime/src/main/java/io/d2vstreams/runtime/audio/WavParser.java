package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.preprocess.Bytes;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;

/**
 * A RIFF/WAVE parser that trusts no size it reads. It finds the {@code fmt } and {@code data}
 * chunks and validates the format; it copies nothing, the result points into the input.
 *
 * <p>Layout (Microsoft/IBM "Multimedia Programming Interface and Data Specifications 1.0",
 * 1991, RIFF and WAVE chapters): "RIFF", u32 size, "WAVE", then chunks of a four-character id,
 * a u32 little-endian body size and the body, padded to an even length. The fmt chunk holds
 * WAVEFORMAT (format tag, channels, sample rate, byte rate, block align, bits per sample);
 * tag 0xFFFE (WAVE_FORMAT_EXTENSIBLE, Microsoft "Multiple channel audio data and WAVE files")
 * adds cbSize, valid bits, a channel mask and a sub-format GUID whose first two bytes are the
 * real format tag.
 *
 * <p>Every declared size is checked against the bytes actually present: a chunk that claims
 * more than the file holds is a truncated or lying file and is refused, never read past.
 * Streamed WAVs that never went back to fill in their sizes are refused by the same rule.
 */
final class WavParser {

    /** Where the samples are: {@code dataLength} bytes from {@code dataOffset}. */
    record WavFile(WavFormat format, int dataOffset, int dataLength) {
        int frames() {
            return dataLength / format.blockAlign();
        }
    }

    static final int FORMAT_PCM = 0x0001;
    static final int FORMAT_IEEE_FLOAT = 0x0003;
    static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** More channels than any real recording has; the bound keeps frame arithmetic small. */
    static final int MAX_CHANNELS = 64;
    /** 768 kHz, the highest rate in common use (DXD x 2). */
    static final int MAX_SAMPLE_RATE = 768_000;

    private static final byte[] RIFF = Bytes.ascii("RIFF");
    private static final byte[] WAVE = Bytes.ascii("WAVE");
    private static final byte[] FMT = Bytes.ascii("fmt ");
    private static final byte[] DATA = Bytes.ascii("data");
    /**
     * Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID built from a format tag
     * ({tag}-0000-0010-8000-00AA00389B71, stored little-endian in the first three fields).
     */
    private static final byte[] SUBTYPE_GUID_TAIL = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private WavParser() {
    }

    /** True if the bytes start like a RIFF/WAVE file. */
    static boolean isWav(byte[] b) {
        return Bytes.startsWith(b, 0, RIFF) && Bytes.startsWith(b, 8, WAVE);
    }

    static WavFile parse(byte[] b) throws PreprocessException {
        if (!isWav(b)) {
            throw new PreprocessException(Reason.UNSUPPORTED_FORMAT,
                    "not a RIFF/WAVE file: first bytes are " + Bytes.hexPrefix(b, 12));
        }
        WavFormat format = null;
        int dataOffset = -1;
        int dataLength = 0;
        // The RIFF size field is not trusted either: chunks are walked within the bytes we have.
        int pos = 12;
        while (pos <= b.length - 8 && (format == null || dataOffset < 0)) {
            long size = Bytes.u32le(b, pos + 4);
            int body = pos + 8;
            int remaining = b.length - body;
            boolean isData = Bytes.startsWith(b, pos, DATA);
            if (size > remaining) {
                throw new PreprocessException(Reason.CORRUPT, isData
                        ? "WAV data chunk declares " + size + " bytes but only " + remaining
                                + " remain: the file is truncated or its size field is wrong"
                        : "WAV chunk " + Bytes.fourCc(b, pos) + " at offset " + pos + " declares " + size
                                + " bytes but only " + remaining + " remain");
            }
            if (Bytes.startsWith(b, pos, FMT)) {
                if (format != null) {
                    throw new PreprocessException(Reason.CORRUPT, "WAV file has two fmt chunks");
                }
                format = parseFormat(b, body, (int) size);
            } else if (isData) {
                dataOffset = body;
                dataLength = (int) size;
            }
            pos = body + (int) size + (int) (size & 1); // RIFF pads odd-sized chunks to even
        }
        if (format == null) {
            throw new PreprocessException(Reason.CORRUPT, "WAV file has no fmt chunk");
        }
        if (dataOffset < 0) {
            throw new PreprocessException(Reason.CORRUPT, "WAV file has no data chunk");
        }
        if (dataLength % format.blockAlign() != 0) {
            throw new PreprocessException(Reason.CORRUPT, "WAV data chunk holds " + dataLength
                    + " bytes, not a whole number of " + format.blockAlign() + "-byte frames");
        }
        return new WavFile(format, dataOffset, dataLength);
    }

    private static WavFormat parseFormat(byte[] b, int off, int size) throws PreprocessException {
        if (size < 16) {
            throw new PreprocessException(Reason.CORRUPT, "WAV fmt chunk is " + size + " bytes; WAVEFORMAT needs 16");
        }
        int tag = Bytes.u16le(b, off);
        int channels = Bytes.u16le(b, off + 2);
        long sampleRate = Bytes.u32le(b, off + 4);
        int blockAlign = Bytes.u16le(b, off + 12);
        int bits = Bytes.u16le(b, off + 14);
        int validBits = bits;
        if (tag == FORMAT_EXTENSIBLE) {
            if (size < 40 || Bytes.u16le(b, off + 16) < 22) {
                throw new PreprocessException(Reason.CORRUPT, "WAV fmt chunk declares WAVE_FORMAT_EXTENSIBLE but is "
                        + size + " bytes; it needs 40 (cbSize 22)");
            }
            int declaredValid = Bytes.u16le(b, off + 18);
            validBits = declaredValid == 0 ? bits : declaredValid;
            if (!Bytes.startsWith(b, off + 26, SUBTYPE_GUID_TAIL)) {
                throw new PreprocessException(Reason.UNSUPPORTED_FORMAT,
                        "WAVE_FORMAT_EXTENSIBLE sub-format GUID is not a standard format-tag GUID;"
                                + " supported: PCM and IEEE float");
            }
            tag = Bytes.u16le(b, off + 24);
        }
        WavFormat.Encoding encoding;
        if (tag == FORMAT_PCM) {
            encoding = WavFormat.Encoding.PCM;
        } else if (tag == FORMAT_IEEE_FLOAT) {
            encoding = WavFormat.Encoding.IEEE_FLOAT;
        } else {
            throw new PreprocessException(Reason.UNSUPPORTED_FORMAT, "WAV format tag " + String.format("0x%04x", tag)
                    + tagName(tag) + " is not supported; supported: PCM (0x0001), IEEE float (0x0003),"
                    + " and WAVE_FORMAT_EXTENSIBLE (0xfffe) holding either");
        }
        if (channels == 0 || sampleRate == 0 || blockAlign == 0) {
            throw new PreprocessException(Reason.CORRUPT, "WAV fmt chunk declares " + channels + " channels, "
                    + sampleRate + " Hz, block align " + blockAlign + "; none may be 0");
        }
        if (channels > MAX_CHANNELS) {
            throw new PreprocessException(Reason.UNSUPPORTED_FORMAT,
                    "WAV file has " + channels + " channels; limit is " + MAX_CHANNELS);
        }
        if (sampleRate > MAX_SAMPLE_RATE) {
            throw new PreprocessException(Reason.UNSUPPORTED_FORMAT,
                    "WAV sample rate is " + sampleRate + " Hz; limit is " + MAX_SAMPLE_RATE);
        }
        if (blockAlign % channels != 0) {
            throw new PreprocessException(Reason.CORRUPT, "WAV block align " + blockAlign
                    + " is not a multiple of " + channels + " channels");
        }
        int bytesPerSample = blockAlign / channels;
        if (bits == 0 || (bits + 7) / 8 != bytesPerSample || validBits > bits) {
            throw new PreprocessException(Reason.CORRUPT, "WAV fmt chunk declares " + bits + " bits per sample ("
                    + validBits + " valid) but " + bytesPerSample + "-byte samples (block align " + blockAlign
                    + " / " + channels + " channels)");
        }
        boolean supported = encoding == WavFormat.Encoding.PCM
                ? bytesPerSample >= 1 && bytesPerSample <= 4
                : bytesPerSample == 4 || bytesPerSample == 8;
        if (!supported) {
            throw new PreprocessException(Reason.UNSUPPORTED_FORMAT, "WAV " + encoding + " with " + bits
                    + "-bit samples is not supported; supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit");
        }
        return new WavFormat(encoding, channels, (int) sampleRate, bytesPerSample);
    }

    private static String tagName(int tag) {
        switch (tag) {
            case 0x0002: return " (Microsoft ADPCM)";
            case 0x0006: return " (A-law)";
            case 0x0007: return " (mu-law)";
            case 0x0011: return " (IMA ADPCM)";
            case 0x0050: return " (MPEG)";
            case 0x0055: return " (MPEG Layer 3)";
            default: return "";
        }
    }
}
