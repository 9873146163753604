package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.preprocess.Bytes;
import io.d2vstreams.runtime.preprocess.MediaPreprocessor;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Encoded audio bytes to the {@code input_values} of a data2vec audio encoder: parse the WAV,
 * check the declared duration against the limit (before converting a sample), decode and mix
 * to mono, resample to the model's rate, and normalise.
 *
 * <p>WAV only (PCM 8/16/24/32-bit, IEEE float 32/64-bit, plain or WAVE_FORMAT_EXTENSIBLE).
 * FLAC, MP3, Ogg and MP4 are recognised and refused as UNSUPPORTED_FORMAT with their name: the
 * only pure-Java FLAC decoder on Maven Central (jFLAC) has had no release since 2017, too old
 * to trust with untrusted bytes on the data path.
 *
 * <p>Immutable and thread-safe: one instance per model, shared by all threads.
 */
public final class AudioPreprocessor implements MediaPreprocessor {

    private final AudioPreprocessorConfig config;

    public AudioPreprocessor(AudioPreprocessorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public AudioPreprocessorConfig config() {
        return config;
    }

    /** The most samples one clip can produce; size a reusable buffer with it. */
    public int maxOutputSamples() {
        return config.maxOutputSamples();
    }

    /** Preprocesses one clip into a new array of exactly its output length. */
    @Override
    public float[] preprocess(byte[] bytes) throws PreprocessException {
        Processed p = process(bytes);
        return p.samples.length == p.info.samples() ? p.samples : Arrays.copyOf(p.samples, p.info.samples());
    }

    /**
     * Preprocesses one clip into {@code dst} at its position and advances the position by the
     * number of samples written ({@link AudioInfo#samples()}, at most
     * {@link #maxOutputSamples()}). Nothing is written when the clip is refused.
     *
     * @throws PreprocessException      if the clip is empty, too large, too long (REFUSE), too
     *                                  short, corrupt or in an unsupported format
     * @throws IllegalArgumentException if {@code dst} has too little room (a caller's bug; a
     *                                  buffer of {@link #maxOutputSamples()} always suffices)
     */
    public AudioInfo preprocessInto(byte[] bytes, FloatBuffer dst) throws PreprocessException {
        Processed p = process(bytes);
        int n = p.info.samples();
        if (dst.remaining() < n) {
            throw new IllegalArgumentException("destination has " + dst.remaining() + " floats remaining; need " + n);
        }
        dst.put(p.samples, 0, n);
        return p.info;
    }

    private record Processed(float[] samples, AudioInfo info) {
    }

    private Processed process(byte[] bytes) throws PreprocessException {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new PreprocessException(Reason.EMPTY, "audio is empty (0 bytes)");
        }
        if (bytes.length > config.maxBytes()) {
            throw new PreprocessException(Reason.TOO_LARGE,
                    "audio is " + bytes.length + " bytes; limit is " + config.maxBytes());
        }
        if (!WavParser.isWav(bytes)) {
            throw new PreprocessException(Reason.UNSUPPORTED_FORMAT, describeNonWav(bytes));
        }
        WavParser.WavFile wav = WavParser.parse(bytes);
        WavFormat format = wav.format();
        int rate = format.sampleRate();
        int frames = wav.frames();
        if (frames == 0) {
            throw new PreprocessException(Reason.EMPTY, "WAV data chunk holds no samples");
        }
        long maxFrames = (long) Math.floor(config.maxSeconds() * rate);
        boolean cropped = false;
        int used = frames;
        if (frames > maxFrames) {
            if (config.overLength() == OverLengthPolicy.REFUSE) {
                throw new PreprocessException(Reason.TOO_LONG, String.format(Locale.ROOT,
                        "audio is %.3f s (%d frames at %d Hz); limit is %s s",
                        (double) frames / rate, frames, rate, config.maxSeconds()));
            }
            used = (int) maxFrames;
            cropped = true;
        }
        float[] mono = PcmDecoder.decodeMono(bytes, wav, used);
        int target = config.samplingRate();
        float[] out = rate == target ? mono : new SincResampler(rate, target).resample(mono, used);
        int n = Math.min(out.length, config.maxOutputSamples());
        if (n < config.minSamples()) {
            throw new PreprocessException(Reason.TOO_SHORT, String.format(Locale.ROOT,
                    "audio is %.4f s (%d samples at %d Hz); minimum is %d samples (%.4f s)",
                    (double) n / target, n, target, config.minSamples(), (double) config.minSamples() / target));
        }
        if (config.doNormalize()) {
            WaveformNormalizer.normalize(out, n);
        }
        return new Processed(out, new AudioInfo("WAV " + format.describe(), rate, format.channels(), frames, n, cropped));
    }

    /** Names the container the bytes look like, so the dead letter says what was sent. */
    private static String describeNonWav(byte[] b) {
        String what;
        if (Bytes.startsWith(b, 0, Bytes.ascii("fLaC"))) {
            what = "FLAC";
        } else if (Bytes.startsWith(b, 0, Bytes.ascii("OggS"))) {
            what = "Ogg";
        } else if (Bytes.startsWith(b, 0, Bytes.ascii("ID3"))
                || (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0)) {
            what = "MP3 (MPEG audio)";
        } else if (Bytes.startsWith(b, 4, Bytes.ascii("ftyp"))) {
            what = "MP4/M4A";
        } else if (Bytes.startsWith(b, 0, Bytes.ascii("RF64"))) {
            what = "RF64 (64-bit WAV)";
        } else if (Bytes.startsWith(b, 0, Bytes.ascii("RIFF")) && b.length >= 12) {
            what = "RIFF form " + Bytes.fourCc(b, 8) + " (not WAVE)";
        } else {
            return "no supported audio signature (RIFF/WAVE) at the start of " + b.length + " bytes: "
                    + Bytes.hexPrefix(b, 12);
        }
        return what + " audio is not supported; send WAV (PCM or IEEE float)";
    }
}
