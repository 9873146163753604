package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelSize;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.internal.AudioEncoder;
import io.d2vstreams.runtime.audio.internal.Data2VecAudioGraph;
import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.internal.ProbeInputs;
import io.d2vstreams.runtime.spi.ModalitySpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The AUDIO modality's spec: a version is the model, its config and {@code preprocessor_config.json}; a version without
 * the latter gets 16 kHz, normalised input. Probes with generated clips that are resampled,
 * mixed down and padded.
 */
public final class AudioSpec extends ModalitySpec<AudioEncoderConfig, AudioPreprocessorConfig, byte[]> {

    public static final AudioSpec INSTANCE = new AudioSpec();

    /** The serving graph's inputs (public, see DESIGN.md "Models"): samples and their mask. */
    public static final String INPUT_VALUES = "input_values";
    public static final String ATTENTION_MASK = "attention_mask";

    private AudioSpec() {
        super(Modality.AUDIO, "data2vec-audio", "audio", ModelStore.PREPROCESSOR_FILE, false, "feature extractor config");
    }

    @Override
    public AudioEncoderConfig config(ModelSize size) {
        return size.audio();
    }

    @Override
    public TensorBundle seededWeights(AudioEncoderConfig config, long seed) {
        return AudioParameters.seeded(config, seed);
    }

    @Override
    public Map<String, long[]> shapes(AudioEncoderConfig config) {
        return AudioParameters.shapes(config);
    }

    @Override
    public List<String> modelTypes() {
        return List.of(AudioEncoderConfig.MODEL_TYPE);
    }

    @Override
    public AudioPreprocessorConfig defaultPreprocessing(AudioEncoderConfig config) {
        return AudioPreprocessorConfig.defaults();
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
    public Encoder<byte[]> open(ModelId id, AudioEncoderConfig config, byte[] onnxModel,
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
