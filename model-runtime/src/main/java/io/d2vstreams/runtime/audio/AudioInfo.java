package io.d2vstreams.runtime.audio;

/**
 * What an audio clip was and what became of it.
 *
 * @param sourceEncoding   e.g. "WAV PCM 16-bit"
 * @param sourceSampleRate frames per second of the input
 * @param sourceChannels   channels of the input, mixed down to mono
 * @param sourceFrames     frames in the input, before any crop
 * @param samples          output samples written, at the configured rate
 * @param cropped          true if the clip was longer than the limit and cut (CROP policy)
 */
public record AudioInfo(String sourceEncoding, int sourceSampleRate, int sourceChannels, int sourceFrames,
        int samples, boolean cropped) {

    /** Duration of the input in seconds. */
    public double sourceSeconds() {
        return (double) sourceFrames / sourceSampleRate;
    }
}
