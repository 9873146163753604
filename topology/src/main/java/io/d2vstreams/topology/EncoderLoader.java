package io.d2vstreams.topology;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;

/**
 * Opens the encoder of a model version, for the pipeline's start and for every swap. In
 * production it is the model store's own loading, with its checks ({@link #from}); a bench may
 * put an instrument in its place ({@code d2v bench pipeline --stand-in}), which no setting of
 * {@code d2v pipeline} or {@code d2v up} can select.
 */
public interface EncoderLoader {
    Encoder<String> text(ModelManifest manifest, EncoderOptions options);

    Encoder<byte[]> image(ModelManifest manifest, EncoderOptions options);

    Encoder<byte[]> audio(ModelManifest manifest, EncoderOptions options);

    /** The store's loaders: checksums, the ONNX Runtime session, the probe batch. */
    static EncoderLoader from(ModelStore store) {
        return new EncoderLoader() {
            @Override
            public Encoder<String> text(ModelManifest manifest, EncoderOptions options) {
                return store.loadText(manifest, options);
            }

            @Override
            public Encoder<byte[]> image(ModelManifest manifest, EncoderOptions options) {
                return store.loadImage(manifest, options);
            }

            @Override
            public Encoder<byte[]> audio(ModelManifest manifest, EncoderOptions options) {
                return store.loadAudio(manifest, options);
            }
        };
    }
}
