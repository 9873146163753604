package io.d2vstreams.runtime.spi;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderConfig;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelSize;
import io.d2vstreams.runtime.TensorBundle;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Everything generic code needs to know about one modality's models: how its Hugging Face config
 * reads, what a seeded encoder of each size looks like, how its weights become an ONNX graph,
 * which preprocessing file a model-store version keeps beside {@code model.onnx} and
 * {@code config.json}, how its encoder opens and which probe batch every usable encoder embeds.
 * {@code ModelStore.add} and {@code ModelStore.load} take a spec, so the store's checks
 * (checksums, output size, probe batch) are written once for every modality, and a fourth
 * modality is one new spec (registered in {@code ModalitySpecs}) rather than a fourth copy of the
 * store's methods.
 *
 * <p>Specs are stateless singletons ({@code TextSpec.INSTANCE}, {@code ImageSpec.INSTANCE},
 * {@code AudioSpec.INSTANCE}); {@code ModalitySpecs.of(Modality)} finds one by its modality.
 *
 * @param <C> the modality's encoder config ({@code config.json})
 * @param <P> its preprocessing (a tokenizer, an image processor or a feature extractor config), kept
 *     in one file of the version
 * @param <I> what its encoder embeds
 */
public abstract class ModalitySpec<C extends EncoderConfig, P, I> {

    /** The serving graph's output every modality shares (public, see DESIGN.md "Models"). */
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";

    private final Modality modality;
    private final String family;
    private final String configKind;
    private final String preprocessingFile;
    private final boolean preprocessingRequired;
    private final String preprocessingKind;

    /**
     * @param modality the modality of the versions
     * @param family the model family of the seeded encoders, e.g. {@code data2vec-text}
     * @param configKind how messages name the config: "text", "vision", "audio"
     * @param preprocessingFile the file a version keeps its preprocessing in, beside the model and its config
     * @param preprocessingRequired whether every version has that file; one without an optional
     *     file gets the modality's default preprocessing
     * @param preprocessingKind how messages name that file when it cannot be used
     */
    protected ModalitySpec(Modality modality, String family, String configKind, String preprocessingFile,
            boolean preprocessingRequired, String preprocessingKind) {
        this.modality = modality;
        this.family = family;
        this.configKind = configKind;
        this.preprocessingFile = preprocessingFile;
        this.preprocessingRequired = preprocessingRequired;
        this.preprocessingKind = preprocessingKind;
    }

    public final Modality modality() {
        return modality;
    }

    /** The model family the project's seeded encoders of this modality are named after. */
    public final String family() {
        return family;
    }

    public final String configKind() {
        return configKind;
    }

    public final String preprocessingFile() {
        return preprocessingFile;
    }

    public final boolean preprocessingRequired() {
        return preprocessingRequired;
    }

    public final String preprocessingKind() {
        return preprocessingKind;
    }

    /** The config of the project's seeded encoder of this size. */
    public abstract C config(ModelSize size);

    /** Seeded weights for the config, under their Hugging Face names. */
    public abstract TensorBundle seededWeights(C config, long seed);

    /** The shape of every tensor the config's encoder uses, by Hugging Face name: what an import must find. */
    public abstract Map<String, long[]> shapes(C config);

    /**
     * The Hugging Face {@code model_type} values that say a checkpoint is of this modality when an
     * import does not name one.
     */
    public abstract List<String> modelTypes();

    /** The preprocessing a version of this config gets when nobody supplies one. */
    public abstract P defaultPreprocessing(C config);

    /** @throws IllegalArgumentException when the config is not one the graph writer understands */
    public abstract C fromHuggingFace(Map<String, Object> json);

    /**
     * The ONNX graph of these weights.
     *
     * @throws IllegalArgumentException when the weights, or the preprocessing, do not fit the config
     */
    public abstract byte[] writeGraph(C config, TensorBundle weights, P preprocessing);

    /** The contents of {@link #preprocessingFile()} for this preprocessing. */
    public abstract byte[] writePreprocessing(P preprocessing);

    /**
     * The preprocessing of a version.
     *
     * @param file the checksum-verified contents of {@link #preprocessingFile()}, null when an
     *     optional one is not listed
     * @throws IOException or IllegalArgumentException when the file is unusable
     */
    public abstract P readPreprocessing(C config, byte[] file) throws IOException;

    /**
     * Opens the encoder without checking it; {@code ModelStore.load} is the way in that checks.
     * Any exception means the version fails to load.
     */
    public abstract Encoder<I> open(ModelId id, C config, byte[] onnxModel, P preprocessing, EncoderOptions options)
            throws Exception;

    /** A small batch every usable encoder of the modality embeds into finite vectors. */
    public abstract List<I> probeInputs();

    /** The {@code key=value} fields of the "model loaded" log line that only this modality has. */
    public abstract String describe(C config, P preprocessing);

    @Override
    public String toString() {
        return modality + " spec";
    }
}
