package io.d2vstreams.trainer.text;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.ForwardingData2VecTrainer;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.internal.Data2VecTrainingCore;
import io.d2vstreams.trainer.internal.VersionFiles;
import io.d2vstreams.trainer.text.internal.TextModality;

/**
 * Continual data2vec training of a text encoder (Baevski et al. 2022, §4.3): the student sees
 * BERT-masked text (15 % of the ordinary tokens selected; 80 % of those become {@code <mask>},
 * 10 % a random token), the EMA teacher the same text unmasked, and the regression head predicts,
 * at the selected positions, the average of the teacher's top-K layer outputs under a
 * parameter-free layer norm. Texts are tokenized with the version's own {@code tokenizer.json},
 * which checkpoints and exports carry too. The {@link Data2VecTrainer} API over strings.
 */
public final class TextData2VecTrainer extends ForwardingData2VecTrainer<String> {

    private final TextEncoderConfig textConfig;

    private TextData2VecTrainer(String modelName, TextEncoderConfig textConfig, TensorBundle weights, byte[] tokenizerJson,
            TrainerConfig config) {
        super(new Data2VecTrainingCore<>(modelName, weights, config, new TextModality(textConfig, tokenizerJson, config)));
        this.textConfig = textConfig;
    }

    /**
     * A trainer that continues from a TEXT version of the store (its weights, config and
     * tokenizer, all checked against the manifest's checksums); exports keep the version's name.
     *
     * @throws IllegalArgumentException when the version is not a usable text model
     */
    public static TextData2VecTrainer fromStore(ModelStore store, ModelManifest base, TrainerConfig config) {
        if (base.modality() != Modality.TEXT) {
            throw new IllegalArgumentException(base.id() + " is a " + base.modality() + " model, not a TEXT one");
        }
        TextEncoderConfig textConfig = TextEncoderConfig.fromHuggingFace(base.config());
        byte[] tokenizer = VersionFiles.read(base, ModelStore.TOKENIZER_FILE);
        return new TextData2VecTrainer(base.name(), textConfig, store.readWeights(base), tokenizer, config);
    }

    /** A trainer over weights held in memory (Hugging Face names) and a {@code tokenizer.json}. */
    public static TextData2VecTrainer fromWeights(String modelName, TextEncoderConfig textConfig, TensorBundle weights,
            byte[] tokenizerJson, TrainerConfig config) {
        return new TextData2VecTrainer(modelName, textConfig, weights, tokenizerJson, config);
    }

    public TextEncoderConfig textConfig() {
        return textConfig;
    }
}
