package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.preprocess.Bytes;

/**
 * The sample format of a WAV file, as its fmt chunk declares it once validated.
 *
 * @param encoding       integer PCM or IEEE float
 * @param channels       interleaved channels per frame
 * @param sampleRate     frames per second
 * @param bytesPerSample container size of one sample (1..4 for PCM, 4 or 8 for float)
 */
record WavFormat(Encoding encoding, int channels, int sampleRate, int bytesPerSample) {

    enum Encoding { PCM, IEEE_FLOAT }

    /** Bytes per frame: one sample of every channel (the fmt chunk's nBlockAlign). */
    int blockAlign() {
        return channels * bytesPerSample;
    }

    /** E.g. "PCM 16-bit", "IEEE float 32-bit". */
    String describe() {
        return (encoding == Encoding.PCM ? "PCM " : "IEEE float ") + 8 * bytesPerSample + "-bit";
    }
}
