package io.d2vstreams.runtime.audio.internal;

import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.internal.OrtEncoder;
import io.d2vstreams.runtime.internal.ProbeInputs;
import io.d2vstreams.runtime.internal.VersionFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * An AUDIO version: the model, its config and {@code preprocessor_config.json}; a version without
 * the latter gets 16 kHz, normalised input. Probes with generated clips that are resampled,
 * mixed down and padded.
 */
public final class AudioVersionFormat extends VersionFormat<AudioEncoderConfig, AudioPreprocessorConfig, byte[]> {

    public static final AudioVersionFormat INSTANCE = new AudioVersionFormat();

    private AudioVersionFormat() {
        super(Modality.AUDIO, "audio", ModelStore.PREPROCESSOR_FILE, false, "feature extractor config");
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
    public byte[] writePreprocessing(AudioPreprocessorConfig preprocessing) {
        return Json.write(preprocessing.toPreprocessorConfigJson());
    }

    @Override
    public AudioPreprocessorConfig readPreprocessing(AudioEncoderConfig config, byte[] file) throws IOException {
        return file == null
                ? AudioPreprocessorConfig.defaults()
                : AudioPreprocessorConfig.fromPreprocessorConfigJson(file, ModelStore.PREPROCESSOR_FILE);
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
