package io.d2vstreams.topology;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.topology.internal.BatchEncoder;
import io.d2vstreams.topology.internal.EventDecoder;
import io.d2vstreams.topology.internal.MediaBatchEncoder;
import io.d2vstreams.topology.internal.MediaEventDecoder;
import io.d2vstreams.topology.internal.ServedModel;
import io.d2vstreams.topology.internal.TextBatchEncoder;
import io.d2vstreams.topology.internal.TextEventDecoder;
import io.d2vstreams.topology.internal.UriFetcher;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the pipeline needs to serve one modality: the runtime spec its versions open with, how its
 * events are decoded and how a batch of them is encoded. The topology's one registration per
 * modality; the live paths, the sampler and the backfill all go through it, so a new modality adds
 * a constant here and a case in {@link #of}. Its settings ({@code <modality>.*} keys) come from
 * {@link PipelineConfig}'s defaults rows.
 *
 * @param <I> the encoder's input: a text, or a media file's bytes
 */
final class ServingSpec<I> {

    static final ServingSpec<String> TEXT = new ServingSpec<>(TextSpec.INSTANCE, false, TextBatchEncoder::new,
            (config, registry, fetcher) -> new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class),
                    config.inputLimit(Modality.TEXT)));
    static final ServingSpec<byte[]> IMAGE = new ServingSpec<>(ImageSpec.INSTANCE, true, MediaBatchEncoder::new,
            (config, registry, fetcher) -> MediaEventDecoder.images(new SpecificAvroDeserializer<>(registry, ImageEvent.class),
                    config.inputLimit(Modality.IMAGE), PipelineConfig.IMAGE_MAX_BYTES, fetcher));
    static final ServingSpec<byte[]> AUDIO = new ServingSpec<>(AudioSpec.INSTANCE, true, MediaBatchEncoder::new,
            (config, registry, fetcher) -> MediaEventDecoder.audio(new SpecificAvroDeserializer<>(registry, AudioEvent.class),
                    config.inputLimit(Modality.AUDIO), PipelineConfig.AUDIO_MAX_BYTES, fetcher));

    @FunctionalInterface
    private interface DecoderFactory {
        EventDecoder decoder(PipelineConfig config, SchemaRegistryClient registry, UriFetcher fetcher);
    }

    private final ModalitySpec<?, ?, I> spec;
    private final boolean carriesMedia;
    private final Function<ModelHolder<I>, BatchEncoder> batchEncoder;
    private final DecoderFactory decoder;

    private ServingSpec(ModalitySpec<?, ?, I> spec, boolean carriesMedia,
            Function<ModelHolder<I>, BatchEncoder> batchEncoder, DecoderFactory decoder) {
        this.spec = spec;
        this.carriesMedia = carriesMedia;
        this.batchEncoder = batchEncoder;
        this.decoder = decoder;
    }

    static ServingSpec<?> of(Modality modality) {
        return switch (Objects.requireNonNull(modality, "modality")) {
            case TEXT -> TEXT;
            case IMAGE -> IMAGE;
            case AUDIO -> AUDIO;
        };
    }

    Modality modality() {
        return spec.modality();
    }

    /**
     * Whether its events carry a media file, inline or by URI, limited in bytes
     * ({@code <modality>.max.bytes}); text's limit counts code points, and its events are never fetched.
     */
    boolean carriesMedia() {
        return carriesMedia;
    }

    /** A serving slot holding {@code version}, opened (checksums, session, probe) through {@code loader}. */
    ModelHolder<I> open(EncoderLoader loader, ModelManifest version, EncoderOptions options) {
        return new ModelHolder<>(loader.load(spec, version, options));
    }

    /** The follower's handle on {@code holder}: later versions open the same way and swap in between batches. */
    ServedModel<I> served(ModelHolder<I> holder, EncoderLoader loader, EncoderOptions options) {
        return new ServedModel<>(modality(), holder, version -> loader.load(spec, version, options));
    }

    BatchEncoder batchEncoder(ModelHolder<I> holder) {
        return batchEncoder.apply(holder);
    }

    /** The modality's decoder: its Avro reader and its input limit, fetching URIs through {@code fetcher} (media only). */
    EventDecoder decoder(PipelineConfig config, SchemaRegistryClient registry, UriFetcher fetcher) {
        return decoder.decoder(config, registry, fetcher);
    }

    @Override
    public String toString() {
        return modality() + " serving";
    }
}
