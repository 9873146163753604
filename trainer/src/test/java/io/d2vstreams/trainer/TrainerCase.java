package io.d2vstreams.trainer;

import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.trainer.audio.AudioData2VecTrainer;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One modality as {@link Data2VecTrainerContractTest} drives it: its seeded tiny model, its test
 * recipe, inputs made from a seed, and the trainer class a user opens. A new modality adds a
 * constant here and gets every check its siblings have.
 *
 * @param configKey   where its Hugging Face config sits in {@code checkpoint.json}, which names
 *                    it when another modality's checkpoint is refused
 * @param foreign     the modality whose checkpoint it must refuse
 */
record TrainerCase<I>(TrainingModality<I> modality, Function<Path, ModelManifest> seededStore,
        Supplier<TrainerConfig.Builder> testConfig, int batchSize, Inputs<I> inputs, Inputs<I> probes,
        Opener<I> opener, String configKey, Supplier<TrainerCase<?>> foreign) {

    static final TrainerCase<String> TEXT = new TrainerCase<>(TrainingModality.TEXT, TinyText::seededStore,
            TinyText::testConfig, 8, TinyText::sentences, TrainerCase::textProbe, TextData2VecTrainer::fromStore,
            "text_config", () -> TrainerCase.IMAGE);
    static final TrainerCase<byte[]> IMAGE = new TrainerCase<>(TrainingModality.IMAGE, TinyImages::seededStore,
            TinyImages::testConfig, 8, TinyImages::pngs, TinyImages::generated, ImageData2VecTrainer::fromStore,
            "vision_config", () -> TrainerCase.TEXT);
    static final TrainerCase<byte[]> AUDIO = new TrainerCase<>(TrainingModality.AUDIO, TinyAudio::seededStore,
            TinyAudio::testConfig, 4, TinyAudio::wavs, TinyAudio::wavs, AudioData2VecTrainer::fromStore,
            "audio_config", () -> TrainerCase.IMAGE);

    static Stream<TrainerCase<?>> all() {
        return Stream.of(TEXT, IMAGE, AUDIO);
    }

    @FunctionalInterface
    interface Inputs<I> {
        List<I> make(int count, int seed);
    }

    @FunctionalInterface
    interface Opener<I> {
        ForwardingData2VecTrainer<I> open(ModelStore store, ModelManifest base, TrainerConfig config);
    }

    ModelManifest seed(ModelStore store) {
        return seededStore.apply(store.root());
    }

    TrainerConfig config() {
        return testConfig.get().build();
    }

    ForwardingData2VecTrainer<I> open(ModelStore store, ModelManifest base) {
        return opener.open(store, base, config());
    }

    /** A full training batch made from {@code seed}. */
    List<I> batch(int seed) {
        return inputs.make(batchSize, seed);
    }

    List<I> inputs(int count, int seed) {
        return inputs.make(count, seed);
    }

    /** Inputs the trainer never trains on, made another way where the modality has one (images: not PNGs). */
    List<I> probe(int count, int seed) {
        return probes.make(count, seed);
    }

    /** Texts the tokenizer finds hard (empty, non-ASCII, long enough to pad the others), then sentences. */
    private static List<String> textProbe(int count, int seed) {
        List<String> hard = List.of("a probe nobody trained on", "", "Grüße, 東京 🙂 and a longer text to pad the batch");
        return Stream.concat(hard.stream(), TinyText.sentences(Math.max(0, count - hard.size()), seed).stream())
                .limit(Math.max(count, hard.size())).toList();
    }

    @Override
    public String toString() {
        return modality.modality().name();
    }
}
