package io.d2vstreams.runtime.audio;

import com.fasterxml.jackson.databind.JsonNode;
import io.d2vstreams.runtime.preprocess.ConfigJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How audio becomes {@code input_values}: the model's sampling rate, whether to normalise (the
 * Hugging Face {@code Wav2Vec2FeatureExtractor} steps), and the limits on length and size.
 *
 * @param samplingRate model input rate in Hz ({@code sampling_rate}); everything is resampled to it
 * @param doNormalize  zero mean, unit variance per clip ({@code do_normalize})
 * @param maxSeconds   longest accepted clip
 * @param overLength   refuse or crop a longer clip
 * @param minSamples   fewest output samples accepted; shorter (but not empty) clips are refused
 *                     as TOO_SHORT
 * @param maxBytes     refuse encoded audio larger than this, before parsing
 */
public record AudioPreprocessorConfig(
        int samplingRate,
        boolean doNormalize,
        double maxSeconds,
        OverLengthPolicy overLength,
        int minSamples,
        int maxBytes) {

    /** JSON keys of a Hugging Face {@code preprocessor_config.json}. */
    public static final String SAMPLING_RATE_KEY = "sampling_rate";
    public static final String DO_NORMALIZE_KEY = "do_normalize";
    public static final String FEATURE_SIZE_KEY = "feature_size";

    /** data2vec-audio, like wav2vec 2.0, takes 16 kHz raw waveforms. */
    public static final int DEFAULT_SAMPLING_RATE = 16_000;
    /** 30 s: a long utterance; beyond it attention cost and memory grow quadratically. */
    public static final double DEFAULT_MAX_SECONDS = 30.0;
    /**
     * 400 samples (25 ms at 16 kHz): the receptive field of the wav2vec 2.0 / data2vec-audio
     * convolutional feature encoder (kernels 10,3,3,3,3,2,2 with strides 5,2,2,2,2,2,2). A
     * shorter input yields no frame at all, so the model could not embed it.
     */
    public static final int DEFAULT_MIN_SAMPLES = 400;
    /** 32 MiB: 30 s of 8-channel 32-bit 48 kHz audio with room to spare. */
    public static final int DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

    public AudioPreprocessorConfig {
        if (samplingRate < 1) {
            throw new IllegalArgumentException("sampling rate is " + samplingRate + "; expected a positive number of Hz");
        }
        if (!(maxSeconds > 0) || maxSeconds * samplingRate > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max seconds is " + maxSeconds + "; expected a positive duration of at most "
                    + Integer.MAX_VALUE / samplingRate + " s at " + samplingRate + " Hz");
        }
        Objects.requireNonNull(overLength, "overLength");
        if (minSamples < 1 || minSamples > (long) Math.floor(maxSeconds * samplingRate)) {
            throw new IllegalArgumentException("min samples is " + minSamples + "; expected 1.."
                    + (long) Math.floor(maxSeconds * samplingRate) + " (max seconds x sampling rate)");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("max bytes is " + maxBytes + "; expected at least 1");
        }
    }

    /** 16 kHz, normalised, at most 30 s (longer is refused), at least 400 samples, 32 MiB. */
    public static AudioPreprocessorConfig defaults() {
        return new AudioPreprocessorConfig(DEFAULT_SAMPLING_RATE, true, DEFAULT_MAX_SECONDS,
                OverLengthPolicy.REFUSE, DEFAULT_MIN_SAMPLES, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads the model's Hugging Face {@code preprocessor_config.json}: {@code sampling_rate} and
     * {@code do_normalize}. A {@code feature_size} other than 1 means a spectrogram extractor
     * (Whisper, AST), not raw waveform input, and is refused. Missing keys keep
     * {@link #defaults()}; limits are ours and keep theirs (use the {@code with*} methods).
     *
     * @throws IOException              if the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the key and value, if a value has the wrong shape
     */
    public static AudioPreprocessorConfig fromPreprocessorConfigJson(Path file) throws IOException {
        return from(ConfigJson.read(file));
    }

    /**
     * As {@link #fromPreprocessorConfigJson(Path)}, from the file's bytes (a model version's
     * checksum-verified {@code preprocessor_config.json}); {@code source} names it in messages.
     */
    public static AudioPreprocessorConfig fromPreprocessorConfigJson(byte[] json, String source) throws IOException {
        return from(ConfigJson.read(json, source));
    }

    /**
     * The Hugging Face {@code preprocessor_config.json} of this config, as
     * {@code Wav2Vec2FeatureExtractor} (the one data2vec-audio uses) writes it: zero padding on
     * the right and an attention mask, which data2vec-audio needs.
     * {@link #fromPreprocessorConfigJson} reads it back to an equal config, limits aside.
     */
    public Map<String, Object> toPreprocessorConfigJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feature_extractor_type", "Wav2Vec2FeatureExtractor");
        m.put(FEATURE_SIZE_KEY, 1);
        m.put(SAMPLING_RATE_KEY, samplingRate);
        m.put("padding_value", 0.0);
        m.put("padding_side", "right");
        m.put(DO_NORMALIZE_KEY, doNormalize);
        m.put("return_attention_mask", true);
        return m;
    }

    private static AudioPreprocessorConfig from(ConfigJson json) {
        JsonNode featureSize = json.node(FEATURE_SIZE_KEY);
        if (featureSize != null && json.integer(FEATURE_SIZE_KEY, featureSize) != 1) {
            throw json.invalid(FEATURE_SIZE_KEY, featureSize, "1 (one raw waveform value per sample)");
        }
        AudioPreprocessorConfig d = defaults();
        int rate = json.integer(SAMPLING_RATE_KEY, d.samplingRate);
        if (rate < 1) {
            throw json.invalid(SAMPLING_RATE_KEY, json.node(SAMPLING_RATE_KEY), "a positive number of Hz");
        }
        return new AudioPreprocessorConfig(rate, json.bool(DO_NORMALIZE_KEY, d.doNormalize),
                d.maxSeconds, d.overLength, d.minSamples, d.maxBytes);
    }

    /** The most samples one clip can produce: {@code floor(maxSeconds * samplingRate)}. */
    public int maxOutputSamples() {
        return (int) Math.floor(maxSeconds * samplingRate);
    }

    public AudioPreprocessorConfig withMaxSeconds(double maxSeconds, OverLengthPolicy overLength) {
        return new AudioPreprocessorConfig(samplingRate, doNormalize, maxSeconds, overLength, minSamples, maxBytes);
    }

    public AudioPreprocessorConfig withMinSamples(int minSamples) {
        return new AudioPreprocessorConfig(samplingRate, doNormalize, maxSeconds, overLength, minSamples, maxBytes);
    }

    public AudioPreprocessorConfig withMaxBytes(int maxBytes) {
        return new AudioPreprocessorConfig(samplingRate, doNormalize, maxSeconds, overLength, minSamples, maxBytes);
    }

    public AudioPreprocessorConfig withNormalize(boolean doNormalize) {
        return new AudioPreprocessorConfig(samplingRate, doNormalize, maxSeconds, overLength, minSamples, maxBytes);
    }
}
