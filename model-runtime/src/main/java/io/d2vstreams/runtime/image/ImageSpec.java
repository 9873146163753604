package io.d2vstreams.runtime.image;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelSize;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.internal.Data2VecImageGraph;
import io.d2vstreams.runtime.image.internal.ImageEncoder;
import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.internal.ProbeInputs;
import io.d2vstreams.runtime.spi.ModalitySpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The IMAGE modality's spec: a version is the model, its config and {@code preprocessor_config.json}; a version without
 * the latter gets the data2vec-vision defaults at {@code image_size}.
 */
public final class ImageSpec extends ModalitySpec<ImageEncoderConfig, ImagePreprocessorConfig, byte[]> {

    public static final ImageSpec INSTANCE = new ImageSpec();

    /** The serving graph's input (public, see DESIGN.md "Models"): preprocessed pixels. */
    public static final String PIXEL_VALUES = "pixel_values";

    private ImageSpec() {
        super(Modality.IMAGE, "data2vec-vision", "vision", ModelStore.PREPROCESSOR_FILE, false, "image processor config");
    }

    @Override
    public ImageEncoderConfig config(ModelSize size) {
        return size.image();
    }

    @Override
    public TensorBundle seededWeights(ImageEncoderConfig config, long seed) {
        return ImageParameters.seeded(config, seed);
    }

    @Override
    public Map<String, long[]> shapes(ImageEncoderConfig config) {
        return ImageParameters.shapes(config);
    }

    @Override
    public List<String> modelTypes() {
        return List.of(ImageEncoderConfig.MODEL_TYPE);
    }

    @Override
    public ImagePreprocessorConfig defaultPreprocessing(ImageEncoderConfig config) {
        return ImagePreprocessorConfig.defaultsFor(config);
    }

    @Override
    public ImageEncoderConfig fromHuggingFace(Map<String, Object> json) {
        return ImageEncoderConfig.fromHuggingFace(json);
    }

    @Override
    public byte[] writeGraph(ImageEncoderConfig config, TensorBundle weights, ImagePreprocessorConfig preprocessing) {
        preprocessing.requireImageSize(config.imageSize());
        return Data2VecImageGraph.write(config, weights);
    }

    @Override
    public byte[] writePreprocessing(ImagePreprocessorConfig preprocessing) {
        return Json.write(preprocessing.toPreprocessorConfigJson());
    }

    @Override
    public ImagePreprocessorConfig readPreprocessing(ImageEncoderConfig config, byte[] file) throws IOException {
        return file == null
                ? ImagePreprocessorConfig.defaultsFor(config)
                : ImagePreprocessorConfig.fromPreprocessorConfigJson(file, ModelStore.PREPROCESSOR_FILE);
    }

    @Override
    public Encoder<byte[]> open(ModelId id, ImageEncoderConfig config, byte[] onnxModel,
            ImagePreprocessorConfig preprocessing, EncoderOptions options) throws Exception {
        return ImageEncoder.open(id, config, onnxModel, preprocessing, options);
    }

    @Override
    public List<byte[]> probeInputs() {
        return ProbeInputs.images();
    }

    @Override
    public String describe(ImageEncoderConfig config, ImagePreprocessorConfig preprocessing) {
        return "image_size=" + config.imageSize() + " patches=" + config.numPatches();
    }
}
