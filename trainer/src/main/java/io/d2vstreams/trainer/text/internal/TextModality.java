package io.d2vstreams.trainer.text.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextParameters;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.internal.Data2VecEncoder;
import io.d2vstreams.trainer.internal.ModelEncoder;
import io.d2vstreams.trainer.internal.Data2VecModality;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.OnnxParity;
import io.d2vstreams.trainer.internal.TargetBuilder;
import io.d2vstreams.trainer.internal.TrainingCheckpoint;
import io.d2vstreams.trainer.text.TextBatch;
import io.d2vstreams.trainer.text.TextData2VecModel;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * data2vec text (Baevski et al. 2022, §4.3) as a {@link Data2VecModality}: texts tokenized with
 * the version's own {@code tokenizer.json}, BERT masking ({@link TextMasker}) whose selected
 * tokens are where the loss counts, the RoBERTa-style {@link TextData2VecModel}, targets under a
 * parameter-free layer norm, the embeddings shared with the teacher.
 */
public final class TextModality implements Data2VecModality<String, TextBatch, MaskedBatch> {

    private final TextEncoderConfig textConfig;
    private final byte[] tokenizerJson;
    private final TextMasker masker;
    private final TextTokenizer tokenizer;
    private final int maxTokens;

    /** Opens the tokenizer, which {@link #close()} frees. */
    public TextModality(TextEncoderConfig textConfig, byte[] tokenizerJson, TrainerConfig config) {
        this.textConfig = Objects.requireNonNull(textConfig, "textConfig");
        this.tokenizerJson = tokenizerJson.clone();
        SpecialTokens specials = SpecialTokens.fromTokenizerJson(tokenizerJson);
        this.masker = new TextMasker(config.maskProb(), config.maskTokenProb(), config.randomTokenProb(), specials,
                textConfig.vocabSize());
        this.maxTokens = Math.min(config.maxTokens(), textConfig.maxTokens());
        this.tokenizer = TextTokenizer.open(tokenizerJson, maxTokens, textConfig.padTokenId());
    }

    public TextEncoderConfig textConfig() {
        return textConfig;
    }

    @Override
    public Modality modality() {
        return Modality.TEXT;
    }

    @Override
    public int hiddenSize() {
        return textConfig.hiddenSize();
    }

    @Override
    public int numHiddenLayers() {
        return textConfig.numHiddenLayers();
    }

    @Override
    public TargetBuilder.Norm targetNorm() {
        return TargetBuilder.Norm.LAYER;
    }

    @Override
    public String describe() {
        return "max_tokens=" + maxTokens;
    }

    @Override
    public Data2VecEncoder<TextBatch, MaskedBatch> student(NDManager parent, TensorBundle weights) {
        return new Encoder(TextData2VecModel.fromWeights(parent, textConfig, weights));
    }

    /** Text has no training-only parameter, so the other weights stand in as they are. */
    @Override
    public Data2VecEncoder<TextBatch, MaskedBatch> standIn(NDManager parent, TensorBundle weights,
            Data2VecEncoder<TextBatch, MaskedBatch> student) {
        return student(parent, weights);
    }

    @Override
    public boolean sharedWithTeacher(String parameterName) {
        return TextParameters.isFeatureEncoder(parameterName);
    }

    @Override
    public TextBatch batch(List<String> texts) {
        return tokenizer.batch(texts);
    }

    @Override
    public MaskedBatch mask(TextBatch batch, SplittableRandom random) {
        return masker.mask(batch, random);
    }

    @Override
    public int maskedCount(MaskedBatch mask) {
        return mask.selectedCount();
    }

    /** Every selected token counts, whether it became {@code <mask>}, a random token or stayed itself. */
    @Override
    public NDArray lossPositions(NDManager scope, TextBatch batch, MaskedBatch mask) {
        return scope.create(mask.selected(), new Shape(batch.rows(), batch.cols()));
    }

    @Override
    public float[] onnxLastHiddenState(byte[] onnxModel, TextBatch batch) {
        return servingLastHiddenState(onnxModel, batch);
    }

    /** {@code last_hidden_state} of a text {@code model.onnx} on ONNX Runtime, row-major {@code [rows, cols, hidden]}. */
    public static float[] servingLastHiddenState(byte[] onnxModel, TextBatch batch) {
        long[] shape = {batch.rows(), batch.cols()};
        return OnnxParity.lastHiddenState(onnxModel, Map.of(
                TextSpec.INPUT_IDS, OnnxParity.Feed.longs(batch.ids(), shape),
                TextSpec.ATTENTION_MASK, OnnxParity.Feed.longs(batch.attentionMask(), shape)));
    }

    /** With the tokenizer it was trained with. */
    @Override
    public ModelManifest export(ModelStore store, String modelName, TensorBundle encoderWeights) {
        return store.add(TextSpec.INSTANCE, modelName, textConfig, encoderWeights, tokenizerJson);
    }

    @Override
    public TrainingCheckpoint.Architecture architecture() {
        return TrainingCheckpoint.Architecture.text(textConfig, tokenizerJson);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** {@link TextData2VecModel} as the core trains it: the student sees the masked token ids. */
    private static final class Encoder extends ModelEncoder<TextData2VecModel, TextBatch, MaskedBatch> {

        Encoder(TextData2VecModel model) {
            super(model);
        }

        @Override
        public Data2VecEncoder<TextBatch, MaskedBatch> teacherCopy(NDManager parent, Predicate<String> share) {
            return new Encoder(model().copy(parent, share));
        }

        @Override
        public NDArray maskedLastHiddenState(NDManager scope, TextBatch batch, MaskedBatch mask, Dropout dropout) {
            return model().forward(scope, batch.withIds(mask.ids()), dropout).lastHiddenState();
        }

        /** No valid mask: layer norm works per position, so padding does not touch real positions' targets. */
        @Override
        public LayerOutputs layerOutputs(NDManager scope, TextBatch batch, TrainerConfig.TargetLayer kind) {
            TextData2VecModel.Output out = model().forward(scope, batch);
            return new LayerOutputs(kind == TrainerConfig.TargetLayer.FFN_OUTPUT ? out.ffnOutputs() : out.blockOutputs(),
                    null);
        }

        @Override
        public NDArray lastHiddenState(NDManager scope, TextBatch batch) {
            return model().forward(scope, batch).lastHiddenState();
        }
    }
}
