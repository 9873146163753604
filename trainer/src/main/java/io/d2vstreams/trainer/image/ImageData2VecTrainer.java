package io.d2vstreams.trainer.image;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.ForwardingData2VecTrainer;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.image.internal.ImageModality;
import io.d2vstreams.trainer.internal.Data2VecTrainingCore;
import io.d2vstreams.trainer.internal.VersionFiles;

/**
 * Continual data2vec training of an image encoder (Baevski et al. 2022, §4.1): the student encodes
 * the image with about 60 % of its patches replaced by a learned mask token in BEiT-style blocks,
 * the EMA teacher encodes the whole image, and the regression head predicts, at the masked
 * patches, the average of the teacher's top-K layer outputs, each under a parameter-free layer
 * norm (§3.3). Images (JPEG, PNG ...) are preprocessed exactly as the serving side does with the
 * version's own {@code preprocessor_config.json}. Checkpoints hold the student with its mask
 * token; exports leave the token out. The {@link Data2VecTrainer} API over encoded images;
 * {@link TrainerConfig#imageBuilder()} holds data2vec vision's settings.
 */
public final class ImageData2VecTrainer extends ForwardingData2VecTrainer<byte[]> {

    private final ImageEncoderConfig imageConfig;

    private ImageData2VecTrainer(String modelName, ImageEncoderConfig imageConfig, TensorBundle weights,
            ImagePreprocessorConfig preprocessing, TrainerConfig config) {
        super(new Data2VecTrainingCore<>(modelName, weights, config, new ImageModality(imageConfig, preprocessing, config)));
        this.imageConfig = imageConfig;
    }

    /**
     * A trainer that continues from an IMAGE version of the store (its weights, config and
     * preprocessing, all checked against the manifest's checksums); exports keep the version's
     * name and preprocessing.
     *
     * @throws IllegalArgumentException when the version is not a usable image model
     */
    public static ImageData2VecTrainer fromStore(ModelStore store, ModelManifest base, TrainerConfig config) {
        if (base.modality() != Modality.IMAGE) {
            throw new IllegalArgumentException(base.id() + " is a " + base.modality() + " model, not an IMAGE one");
        }
        ImageEncoderConfig imageConfig = ImageEncoderConfig.fromHuggingFace(base.config());
        ImagePreprocessorConfig preprocessing = VersionFiles.preprocessing(ImageSpec.INSTANCE, imageConfig, base);
        return new ImageData2VecTrainer(base.name(), imageConfig, store.readWeights(base), preprocessing, config);
    }

    /** A trainer over weights held in memory (Hugging Face names) and the preprocessing to serve them with. */
    public static ImageData2VecTrainer fromWeights(String modelName, ImageEncoderConfig imageConfig, TensorBundle weights,
            ImagePreprocessorConfig preprocessing, TrainerConfig config) {
        return new ImageData2VecTrainer(modelName, imageConfig, weights, preprocessing, config);
    }

    public ImageEncoderConfig imageConfig() {
        return imageConfig;
    }
}
