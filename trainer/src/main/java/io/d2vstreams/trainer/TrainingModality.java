package io.d2vstreams.trainer;

import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.trainer.audio.AudioData2VecTrainer;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import io.d2vstreams.trainer.internal.HeldOutSet;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A modality the trainer can train, with its input type {@code I}, as the worker's loop, its
 * sample intake, its held-out set and the quality gate handle it: which input a
 * {@code TrainingSample} carries (its {@code text} for TEXT, its {@code content} bytes for IMAGE
 * and AUDIO),
 * how held-out inputs travel in a checkpoint, how a trainer opens from a store version, how the
 * pipeline serves a version (what the gate judges), and the modality's training defaults.
 *
 * @param <I> one input: {@code String} for TEXT, the encoded media's {@code byte[]} for IMAGE and AUDIO
 */
public final class TrainingModality<I> {

    /** Texts from {@code TrainingSample.text}, data2vec text's recipe ({@link TrainerConfig#builder()}). */
    public static final TrainingModality<String> TEXT = new TrainingModality<>(Modality.TEXT,
            sample -> Optional.ofNullable(sample.getText()).filter(text -> !text.isBlank()),
            HeldOutSet.Codec.TEXT, TextData2VecTrainer::fromStore, (store, version, options) -> store.load(TextSpec.INSTANCE, version, options), TrainerConfig::builder);

    /** Encoded images from {@code TrainingSample.content}, data2vec vision's recipe ({@link TrainerConfig#imageBuilder()}). */
    public static final TrainingModality<byte[]> IMAGE = new TrainingModality<>(Modality.IMAGE,
            sample -> Optional.ofNullable(sample.getContent()).filter(ByteBuffer::hasRemaining)
                    .map(TrainingModality::bytes),
            HeldOutSet.Codec.BYTES, ImageData2VecTrainer::fromStore, (store, version, options) -> store.load(ImageSpec.INSTANCE, version, options),
            TrainerConfig::imageBuilder);

    /** Encoded clips (WAV) from {@code TrainingSample.content}, data2vec audio's recipe ({@link TrainerConfig#audioBuilder()}). */
    public static final TrainingModality<byte[]> AUDIO = new TrainingModality<>(Modality.AUDIO,
            sample -> Optional.ofNullable(sample.getContent()).filter(ByteBuffer::hasRemaining)
                    .map(TrainingModality::bytes),
            HeldOutSet.Codec.BYTES, AudioData2VecTrainer::fromStore, (store, version, options) -> store.load(AudioSpec.INSTANCE, version, options),
            TrainerConfig::audioBuilder);

    private static final Map<Modality, TrainingModality<?>> TRAINABLE = new EnumMap<>(Map.of(
            Modality.TEXT, TEXT, Modality.IMAGE, IMAGE, Modality.AUDIO, AUDIO));

    /** Opens a trainer from a store version. */
    @FunctionalInterface
    private interface TrainerOpener<I> {
        Data2VecTrainer<I> open(ModelStore store, ModelManifest base, TrainerConfig config);
    }

    /** Opens the encoder the pipeline serves a version with. */
    @FunctionalInterface
    private interface ServedOpener<I> {
        Encoder<I> open(ModelStore store, ModelManifest version, EncoderOptions options);
    }

    private final Modality modality;
    private final Function<TrainingSample, Optional<I>> inputOf;
    private final HeldOutSet.Codec<I> heldOutCodec;
    private final TrainerOpener<I> trainer;
    private final ServedOpener<I> served;
    private final Supplier<TrainerConfig.Builder> defaults;

    private TrainingModality(Modality modality, Function<TrainingSample, Optional<I>> inputOf,
            HeldOutSet.Codec<I> heldOutCodec, TrainerOpener<I> trainer, ServedOpener<I> served,
            Supplier<TrainerConfig.Builder> defaults) {
        this.modality = modality;
        this.inputOf = inputOf;
        this.heldOutCodec = heldOutCodec;
        this.trainer = trainer;
        this.served = served;
        this.defaults = defaults;
    }

    /** The modalities the trainer can train today. */
    public static Set<Modality> trainable() {
        return TRAINABLE.keySet();
    }

    /**
     * @throws IllegalArgumentException for a modality the trainer cannot train, naming those it can
     */
    public static TrainingModality<?> of(Modality modality) {
        TrainingModality<?> found = TRAINABLE.get(Objects.requireNonNull(modality, "modality"));
        if (found == null) {
            throw new IllegalArgumentException(modality + " training is not available yet; the trainer trains "
                    + trainable());
        }
        return found;
    }

    public Modality modality() {
        return modality;
    }

    /**
     * The input {@code sample} carries for this modality: empty when it is a sample of another
     * modality, or carries no input or an empty one (which teaches nothing).
     */
    public Optional<I> inputOf(TrainingSample sample) {
        if (!sample.getModality().name().equals(modality.name())) {
            return Optional.empty();
        }
        return inputOf.apply(sample);
    }

    /** A trainer continuing from {@code base}, a version of this modality. */
    public Data2VecTrainer<I> openTrainer(ModelStore store, ModelManifest base, TrainerConfig config) {
        return trainer.open(store, base, config);
    }

    /** The encoder the pipeline would serve {@code version} with: what the quality gate judges. */
    public Encoder<I> openServed(ModelStore store, ModelManifest version, EncoderOptions options) {
        return served.open(store, version, options);
    }

    /** This modality's data2vec recipe, to which the worker's settings are applied. */
    public TrainerConfig.Builder trainingDefaults() {
        return defaults.get();
    }

    /** How a held-out input is written into a checkpoint's JSON. */
    public HeldOutSet.Codec<I> heldOutCodec() {
        return heldOutCodec;
    }

    @Override
    public String toString() {
        return modality.toString();
    }

    private static byte[] bytes(ByteBuffer content) {
        ByteBuffer view = content.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
