package io.d2vstreams.runtime.internal;

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
 * @param <P> its preprocessing (a tokenizer file, an image processor or feature extractor config)
 * @param <I> what its encoder embeds
 */
public interface VersionFormat<C, P, I> {

    Modality modality();

    /** How messages name the config: "text", "vision", "audio". */
    String configKind();

    /** How messages name the preprocessing file when it cannot be used. */
    String preprocessingKind();

    /** The embedding size a model of this config makes ({@code hidden_size}). */
    int dim(C config);

    Map<String, Object> toHuggingFace(C config);

    /** @throws IllegalArgumentException when the config is not one the graph writer understands */
    C fromHuggingFace(Map<String, Object> json);

    /**
     * The ONNX graph of these weights.
     *
     * @throws IllegalArgumentException when the weights, or the preprocessing, do not fit the config
     */
    byte[] writeGraph(C config, TensorBundle weights, P preprocessing);

    /** The preprocessing's files, name → contents, written beside the model. */
    Map<String, byte[]> preprocessingFiles(P preprocessing);

    /** Files a version must list besides the model and its config. */
    List<String> requiredFiles();

    /** Files read when a version lists them (a version without one gets defaults). */
    List<String> optionalFiles();

    /**
     * The preprocessing of a version from its checksum-verified files (optional ones absent when
     * not listed).
     *
     * @throws IOException or IllegalArgumentException when a preprocessing file is unusable
     */
    P preprocessing(C config, Map<String, byte[]> files) throws IOException;

    /** Opens the encoder; any exception means the version fails to load. */
    OrtEncoder<I> open(ModelId id, C config, byte[] onnxModel, P preprocessing, EncoderOptions options) throws Exception;

    /** A small batch every usable encoder of the modality embeds into finite vectors. */
    List<I> probeInputs();

    /** The {@code key=value} fields of the "model loaded" log line that only this modality has. */
    String describe(C config, P preprocessing);
}
