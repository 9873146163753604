package io.d2vstreams.topology;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.spi.ModalitySpec;

/**
 * Opens the encoder of a model version, for the pipeline's start and for every swap. In
 * production it is the model store's own loading, with its checks ({@link #from}); a bench may
 * put an instrument in its place ({@code d2v bench pipeline --stand-in}), which no setting of
 * {@code d2v pipeline} or {@code d2v up} can select.
 */
@FunctionalInterface
public interface EncoderLoader {

    /** Opens the version as an encoder of the spec's modality. */
    <I> Encoder<I> load(ModalitySpec<?, ?, I> spec, ModelManifest manifest, EncoderOptions options);

    /** The store's loading: checksums, the ONNX Runtime session, the probe batch. */
    static EncoderLoader from(ModelStore store) {
        return store::load;
    }
}
