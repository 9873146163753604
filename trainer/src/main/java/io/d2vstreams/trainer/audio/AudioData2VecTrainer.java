package io.d2vstreams.trainer.audio;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.ForwardingData2VecTrainer;
import io.d2vstreams.trainer.StepResult;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.audio.internal.AudioModality;
import io.d2vstreams.trainer.internal.Data2VecTrainingCore;
import io.d2vstreams.trainer.internal.VersionFiles;

/**
 * Continual data2vec training of an audio encoder (Baevski et al. 2022, §4.2): the student
 * encodes the clip with spans of frames (p = 0.065 per frame starts a span of 10) replaced by
 * the learned {@code masked_spec_embed}, the EMA teacher encodes the whole clip (with its own
 * EMA copy of the feature encoder under {@link TrainerConfig#audioBuilder()}), and the regression
 * head predicts, at the masked frames, the
 * average of the teacher's top-K layer outputs, each instance-normalised over the clip's valid
 * frames (§3.3), under an L2 loss. Clips (WAV) are preprocessed exactly as the serving side does
 * with the version's own {@code preprocessor_config.json}, except that clips longer than
 * {@link TrainerConfig#maxAudioSeconds()} are cropped rather than refused; a clip that cannot be
 * preprocessed is left out of its step and counted ({@link StepResult#skippedInputs()}), and a
 * step none of whose clips can be is skipped. Checkpoints hold the student with its mask
 * embedding; exports leave it out. The {@link Data2VecTrainer} API over encoded clips;
 * {@link TrainerConfig#audioBuilder()} holds data2vec audio's settings.
 */
public final class AudioData2VecTrainer extends ForwardingData2VecTrainer<byte[]> {

    private final AudioEncoderConfig audioConfig;

    private AudioData2VecTrainer(String modelName, AudioEncoderConfig audioConfig, TensorBundle weights,
            AudioPreprocessorConfig preprocessing, TrainerConfig config) {
        super(new Data2VecTrainingCore<>(modelName, weights, config, new AudioModality(audioConfig, preprocessing, config)));
        this.audioConfig = audioConfig;
    }

    /**
     * A trainer that continues from an AUDIO version of the store (its weights, config and
     * preprocessing, all checked against the manifest's checksums); exports keep the version's
     * name and preprocessing.
     *
     * @throws IllegalArgumentException when the version is not a usable audio model
     */
    public static AudioData2VecTrainer fromStore(ModelStore store, ModelManifest base, TrainerConfig config) {
        if (base.modality() != Modality.AUDIO) {
            throw new IllegalArgumentException(base.id() + " is a " + base.modality() + " model, not an AUDIO one");
        }
        AudioEncoderConfig audioConfig = AudioEncoderConfig.fromHuggingFace(base.config());
        AudioPreprocessorConfig preprocessing = VersionFiles.preprocessing(AudioSpec.INSTANCE, audioConfig, base);
        return new AudioData2VecTrainer(base.name(), audioConfig, store.readWeights(base), preprocessing, config);
    }

    /** A trainer over weights held in memory (Hugging Face names) and the preprocessing to serve them with. */
    public static AudioData2VecTrainer fromWeights(String modelName, AudioEncoderConfig audioConfig, TensorBundle weights,
            AudioPreprocessorConfig preprocessing, TrainerConfig config) {
        return new AudioData2VecTrainer(modelName, audioConfig, weights, preprocessing, config);
    }

    public AudioEncoderConfig audioConfig() {
        return audioConfig;
    }
}
