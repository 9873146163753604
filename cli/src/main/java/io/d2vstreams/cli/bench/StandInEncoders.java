package io.d2vstreams.cli.bench;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.topology.EncoderLoader;
import java.util.Arrays;
import java.util.List;

/**
 * A measuring instrument of {@code d2v bench pipeline --stand-in}, never a model: in place of
 * each encoder it answers every batch with the same unit vector, in constant time per record,
 * without preprocessing or inference. With it the bench measures the stream alone (Kafka, the
 * serdes, the buffer, transactions): how fast an encoder, say on a GPU, the pipeline could keep
 * fed. Only the bench can select it; the real version is still loaded first, so the stand-in
 * carries its id and width.
 */
final class StandInEncoders implements EncoderLoader {
    /** How the bench output names the instrument. */
    static final String DESCRIPTION = "stand-in (bench instrument: one constant unit vector per record, no preprocessing, no inference)";

    private final EncoderLoader real;

    StandInEncoders(ModelStore store) {
        this.real = EncoderLoader.from(store);
    }

    @Override
    public <I> Encoder<I> load(ModalitySpec<?, ?, I> spec, ModelManifest manifest, EncoderOptions options) {
        return standIn(real.load(spec, manifest, options));
    }

    private static <I> Encoder<I> standIn(Encoder<I> loaded) {
        ModelId id = loaded.id();
        int dim = loaded.dim();
        loaded.close();
        return new StandIn<>(id, dim);
    }

    /** Constant output, shared by every row (the pipeline only reads the vectors). */
    static final class StandIn<I> implements Encoder<I> {
        private final ModelId id;
        private final float[] vector;

        StandIn(ModelId id, int dim) {
            this.id = id;
            this.vector = new float[dim];
            Arrays.fill(vector, (float) (1 / Math.sqrt(dim)));
        }

        @Override
        public ModelId id() {
            return id;
        }

        @Override
        public int dim() {
            return vector.length;
        }

        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public float[][] embed(List<I> inputs) {
            float[][] rows = new float[inputs.size()][];
            Arrays.fill(rows, vector);
            return rows;
        }

        @Override
        public void close() {
        }
    }
}
