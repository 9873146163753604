package io.d2vstreams.runtime.internal.audio;

import io.d2vstreams.runtime.AudioEncoderConfig;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.internal.OrtEncoder;
import io.d2vstreams.runtime.internal.ProbeInputs;
import io.d2vstreams.runtime.internal.VersionFormat;
import io.d2vstreams.runtime.preprocess.AudioPreprocessorConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * An AUDIO version: the model, its config and {@code preprocessor_config.json}; a version without
 * the latter gets 16 kHz, normalised input. Probes with generated clips that are resampled,
 * mixed down and padded.
 */
public final class AudioVersionFormat implements VersionFormat<AudioEncoderConfig, AudioPreprocessorConfig, byte[]> {

    public static final AudioVersionFormat INSTANCE = new AudioVersionFormat();

    private AudioVersionFormat() {}

    @Override
    public Modality modality() {
        return Modality.AUDIO;
    }

    @Override
    public String configKind() {
        return "audio";
    }

    @Override
    public String preprocessingKind() {
        return "feature extractor config";
    }

    @Override
    public int dim(AudioEncoderConfig config) {
        return config.hiddenSize();
    }

    @Override
    public Map<String, Object> toHuggingFace(AudioEncoderConfig config) {
        return config.toHuggingFace();
    }

    @Override
    public AudioEncoderConfig fromHuggingFace(Map<String, Object> json) {
        return AudioEncoderConfig.fromHuggingFace(json);
    }

    @Override
    public byte[] writeGraph(AudioEncoderConfig config, TensorBundle weights, AudioPreprocessorConfig preprocessing) {
        return Data2VecAudioGraph.write(config, weights);
    }

    @Override
    public Map<String, byte[]> preprocessingFiles(AudioPreprocessorConfig preprocessing) {
        return Map.of(ModelStore.PREPROCESSOR_FILE, Json.write(preprocessing.toPreprocessorConfigJson()));
    }

    @Override
    public List<String> requiredFiles() {
        return List.of();
    }

    @Override
    public List<String> optionalFiles() {
        return List.of(ModelStore.PREPROCESSOR_FILE);
    }

    @Override
    public AudioPreprocessorConfig preprocessing(AudioEncoderConfig config, Map<String, byte[]> files) throws IOException {
        byte[] json = files.get(ModelStore.PREPROCESSOR_FILE);
        return json == null
                ? AudioPreprocessorConfig.defaults()
                : AudioPreprocessorConfig.fromPreprocessorConfigJson(json, ModelStore.PREPROCESSOR_FILE);
    }

    @Override
    public OrtEncoder<byte[]> open(ModelId id, AudioEncoderConfig config, byte[] onnxModel,
            AudioPreprocessorConfig preprocessing, EncoderOptions options) throws Exception {
        return AudioEncoder.open(id, config, onnxModel, preprocessing, options);
    }

    @Override
    public List<byte[]> probeInputs() {
        return ProbeInputs.wavs();
    }

    @Override
    public String describe(AudioEncoderConfig config, AudioPreprocessorConfig preprocessing) {
        return "sampling_rate=" + preprocessing.samplingRate() + " min_samples=" + config.receptiveField();
    }
}
