package io.d2vstreams.runtime.internal;

import io.d2vstreams.runtime.EncoderConfig;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.TensorBundle;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a model-store version of one modality holds besides {@code model.onnx} and
 * {@code config.json}, and how the store writes and opens it: the per-modality part of
 * {@code ModelStore.add} and {@code ModelStore.load}, so the store's checks (checksums, output
 * size, probe batch) are written once for every modality.
 *
 * @param <C> the modality's encoder config ({@code config.json})
 * @param <P> its preprocessing (a tokenizer, an image processor or a feature extractor config), kept
 *     in one file of the version
 * @param <I> what its encoder embeds
 */
public abstract class VersionFormat<C extends EncoderConfig, P, I> {

    private final Modality modality;
    private final String configKind;
    private final String preprocessingFile;
    private final boolean preprocessingRequired;
    private final String preprocessingKind;

    /**
     * @param modality the modality of the versions
     * @param configKind how messages name the config: "text", "vision", "audio"
     * @param preprocessingFile the file a version keeps its preprocessing in, beside the model and its config
     * @param preprocessingRequired whether every version has that file; one without an optional
     *     file gets the modality's default preprocessing
     * @param preprocessingKind how messages name that file when it cannot be used
     */
    protected VersionFormat(Modality modality, String configKind, String preprocessingFile, boolean preprocessingRequired,
            String preprocessingKind) {
        this.modality = modality;
        this.configKind = configKind;
        this.preprocessingFile = preprocessingFile;
        this.preprocessingRequired = preprocessingRequired;
        this.preprocessingKind = preprocessingKind;
    }

    public final Modality modality() {
        return modality;
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

    /** Opens the encoder; any exception means the version fails to load. */
    public abstract OrtEncoder<I> open(ModelId id, C config, byte[] onnxModel, P preprocessing, EncoderOptions options)
            throws Exception;

    /** A small batch every usable encoder of the modality embeds into finite vectors. */
    public abstract List<I> probeInputs();

    /** The {@code key=value} fields of the "model loaded" log line that only this modality has. */
    public abstract String describe(C config, P preprocessing);
}
