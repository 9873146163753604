package io.d2vstreams.trainer;

import io.d2vstreams.runtime.Device;
import java.util.Objects;

/**
 * Everything a data2vec trainer does differently from the defaults, validated once at
 * construction. Defaults follow data2vec text (Baevski et al. 2022 and fairseq's
 * {@code examples/data2vec/config/text/pretraining/base.yaml}) where a small continual run allows:
 * BERT masking at 15 %, targets from the top 8 layers' feed-forward outputs under a
 * parameter-free layer norm, τ from 0.999 to 0.9999, Smooth L1 with β = 4, AdamW with β = (0.9,
 * 0.98), ε = 1e-6, weight decay 0.01. The learning rate is constant after warm-up by default
 * because a stream has no last step; the cosine schedule is there for finite runs.
 *
 * @param learningRate peak learning rate, reached at the end of warm-up
 * @param warmupSteps updates of linear warm-up from 0; 0 starts at the peak
 * @param totalSteps the update at which the cosine schedule reaches {@code minLearningRate}
 * @param lrSchedule CONSTANT after warm-up, or COSINE down to {@code minLearningRate}
 * @param minLearningRate the cosine schedule's floor
 * @param weightDecay AdamW's decoupled weight decay (not applied to biases and LayerNorm gains)
 * @param adamBeta1 AdamW β1
 * @param adamBeta2 AdamW β2
 * @param adamEpsilon AdamW ε
 * @param clipNorm global gradient-norm limit; 0 turns clipping off
 * @param batchSize the most inputs (texts, images) one {@code step} takes (and the chunk size of the held-out loss)
 * @param maxTokens the most tokens per text, {@code <s>} and {@code </s>} included; longer texts are truncated
 * @param maskProb fraction of each text's ordinary tokens selected for prediction; for images, the
 *     fraction of patches masked in blocks; for audio, the probability that a frame starts a masked span
 * @param maskTokenProb fraction of the selected tokens replaced by {@code <mask>}
 * @param randomTokenProb fraction of the selected tokens replaced by a random ordinary token (the rest stay)
 * @param topK how many of the teacher's last layers are averaged into the targets (capped at the layer count)
 * @param targetLayer which output of each teacher layer the targets are built from
 * @param tauStart EMA decay at the first update
 * @param tauEnd EMA decay from {@code tauAnnealSteps} on
 * @param tauAnnealSteps updates over which τ rises linearly from start to end
 * @param teacherSharesEmbeddings whether the teacher uses the student's embedding parameters
 *     instead of an EMA of them (data2vec §3.2; fairseq {@code ema_transformer_layers_only})
 * @param loss the regression loss
 * @param lossBeta Smooth L1's β (ignored by L2)
 * @param lossScale factor on the per-position loss (summed over channels); 0 means 1/√hidden
 * @param hiddenDropout student dropout on embeddings and sub-layer outputs (the teacher runs without)
 * @param attentionDropout student dropout on attention probabilities
 * @param seed seeds masking, dropout and the regression head; a run is reproducible from it
 * @param device CPU, or CUDA with a logged fall back to CPU when libtorch sees no GPU
 * @param checkpointsKept how many checkpoints to keep on disk, newest first
 * @param maskSpanLength audio: frames per masked span; {@code maskProb} is then the probability
 *     that a frame starts a span (see {@code SpanMasker})
 * @param minMaskSpans audio: spans every clip gets at least, so short clips are masked too
 * @param maxAudioSeconds audio: the longest clip trained on; longer clips are cropped to their
 *     first {@code maxAudioSeconds} (the serving side refuses or crops by its own limit)
 */
public record TrainerConfig(
        double learningRate,
        int warmupSteps,
        long totalSteps,
        LrSchedule lrSchedule,
        double minLearningRate,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double clipNorm,
        int batchSize,
        int maxTokens,
        double maskProb,
        double maskTokenProb,
        double randomTokenProb,
        int topK,
        TargetLayer targetLayer,
        double tauStart,
        double tauEnd,
        long tauAnnealSteps,
        boolean teacherSharesEmbeddings,
        Loss loss,
        double lossBeta,
        double lossScale,
        double hiddenDropout,
        double attentionDropout,
        long seed,
        Device device,
        int checkpointsKept,
        int maskSpanLength,
        int minMaskSpans,
        double maxAudioSeconds) {

    /** The learning-rate schedule after warm-up. */
    public enum LrSchedule {
        CONSTANT,
        COSINE
    }

    /** The regression loss between the student's predictions and the teacher's targets. */
    public enum Loss {
        /** Squared error (fairseq {@code loss_beta = 0}). */
        L2,
        /** Smooth L1 with {@code lossBeta} (data2vec §3.3). */
        SMOOTH_L1
    }

    /** Which output of each teacher layer the targets average. */
    public enum TargetLayer {
        /**
         * The feed-forward output before the last residual and LayerNorm, as fairseq's data2vec
         * text uses ({@code fc_results}); without the residual stream it carries less of the
         * input token itself.
         */
        FFN_OUTPUT,
        /** The layer's final output (after its last LayerNorm). */
        BLOCK_OUTPUT
    }

    public TrainerConfig {
        Objects.requireNonNull(lrSchedule, "lrSchedule");
        Objects.requireNonNull(targetLayer, "targetLayer");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(device, "device");
        positiveFinite("learningRate", learningRate);
        atLeast("warmupSteps", warmupSteps, 0);
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
        }
        if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
            throw new IllegalArgumentException("minLearningRate must be in [0, learningRate=" + learningRate + "], got "
                    + minLearningRate);
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + weightDecay);
        }
        unitOpen("adamBeta1", adamBeta1);
        unitOpen("adamBeta2", adamBeta2);
        positiveFinite("adamEpsilon", adamEpsilon);
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be >= 0 (0 = no clipping), got " + clipNorm);
        }
        atLeast("batchSize", batchSize, 1);
        atLeast("maxTokens", maxTokens, 3);
        if (!(maskProb > 0 && maskProb <= 1)) {
            throw new IllegalArgumentException("maskProb must be in (0, 1], got " + maskProb);
        }
        if (!(maskTokenProb >= 0 && randomTokenProb >= 0 && maskTokenProb + randomTokenProb <= 1)) {
            throw new IllegalArgumentException("maskTokenProb and randomTokenProb must be >= 0 with a sum <= 1, got "
                    + maskTokenProb + " and " + randomTokenProb);
        }
        atLeast("topK", topK, 1);
        if (!(tauStart >= 0 && tauStart <= 1)) {
            throw new IllegalArgumentException("tauStart must be in [0, 1], got " + tauStart);
        }
        if (!(tauEnd >= 0 && tauEnd <= 1)) {
            throw new IllegalArgumentException("tauEnd must be in [0, 1], got " + tauEnd);
        }
        if (tauAnnealSteps < 0) {
            throw new IllegalArgumentException("tauAnnealSteps must be >= 0, got " + tauAnnealSteps);
        }
        if (loss == Loss.SMOOTH_L1) {
            positiveFinite("lossBeta", lossBeta);
        }
        if (!(lossScale >= 0) || Double.isInfinite(lossScale)) {
            throw new IllegalArgumentException("lossScale must be >= 0 (0 = 1/sqrt(hidden)), got " + lossScale);
        }
        probability("hiddenDropout", hiddenDropout);
        probability("attentionDropout", attentionDropout);
        atLeast("checkpointsKept", checkpointsKept, 1);
        atLeast("maskSpanLength", maskSpanLength, 1);
        atLeast("minMaskSpans", minMaskSpans, 0);
        if (!(maxAudioSeconds > 0 && maxAudioSeconds <= 3600)) {
            throw new IllegalArgumentException("maxAudioSeconds must be in (0, 3600], got " + maxAudioSeconds);
        }
    }

    /** The defaults described above. */
    public static TrainerConfig defaults() {
        return builder().build();
    }

    /**
     * The defaults with data2vec vision's own settings (Baevski et al. 2022, §4.1, ViT-B): 60 % of
     * the patches masked block-wise, targets from the top 6 blocks' outputs, τ from 0.9998 to
     * 0.9999; no dropout, as Hugging Face's data2vec-vision configs ({@code hidden_dropout_prob}
     * and {@code attention_probs_dropout_prob} 0.0). The token-masking fields and
     * {@code maxTokens} do not apply to images.
     *
     * <p>The learning rate is sized for the seeded tiny encoder: 3e-3 after 20 warm-up steps. At
     * text's 5e-4 after 100 the tiny image model's held-out loss does not move in 300 steps
     * (8.00 → 8.0 to 8.3: every masked patch is the same mask token, and Adam moves the small
     * position parameters that tell masked patches apart by about lr per step); at 3e-3 it falls
     * by a third (measured with {@code d2v bench trainer --modality image --steps 300}, see
     * {@code ImageData2VecTrainerTest}). A larger imported encoder wants a smaller rate.
     */
    public static Builder imageBuilder() {
        return builder().learningRate(3e-3).warmupSteps(20).maskProb(0.6).topK(6).targetLayer(TargetLayer.BLOCK_OUTPUT)
                .tau(0.9998, 0.9999, 10_000).dropout(0, 0);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The defaults with data2vec audio's own settings (Baevski et al. 2022, §4.2, and fairseq's
     * {@code examples/data2vec/config/audio/pretraining/base_librispeech.yaml}): span masking with
     * p = 0.065 per frame and spans of 10 frames ({@code mask_prob: 0.65}, {@code mask_length: 10};
     * fairseq's mask_prob counts masked frames, p = 0.65 / 10 the starts), at least one span a clip
     * ({@code min_masks}); targets from the top 8 layers' feed-forward outputs
     * ({@code average_top_k_layers: 8}, {@code layer_results[i][2]}) under instance norm
     * ({@code instance_norm_target_layer: true}); τ from 0.999 to 0.9999 over 30 000 updates
     * ({@code ema_decay}, {@code ema_end_decay}, {@code ema_anneal_end_step}); L2 loss
     * ({@code loss_beta: 0}) scaled by 1/√hidden ({@code loss_scale: null}); AdamW β = (0.9, 0.98),
     * ε = 1e-6, weight decay 0.01, peak lr 5e-4 (the {@code optimizer} and {@code optimization}
     * sections); dropout 0.1 on the hidden states and attention (Hugging Face's
     * data2vec-audio-base config). Clips longer than 5 s are cropped: fairseq crops at
     * {@code max_sample_size: 320000} (20 s), a CPU-sized continual trainer keeps steps short.
     *
     * <p>One departure, measured on the seeded tiny encoder ({@code d2v bench trainer --modality
     * audio}, batch 16): the teacher keeps its own EMA copy of the feature encoder, projection and
     * positional convolutions instead of sharing the student's (fairseq {@code ema_transformer_only}).
     * Shared, the student's updates to the convolutions change the teacher's targets at the full
     * learning rate every step, and the held-out loss rose from 3.92 (step 50) to 4.22 (step 200)
     * while the same student scored against the seeded teacher stayed at 3.95-3.99; with its own
     * copy the targets move only at the EMA's pace.
     *
     * <p>A second: the targets are the layers' outputs (after their final LayerNorm), not their
     * feed-forward outputs. With its own feature encoder, a teacher of feed-forward outputs still
     * drifted under the EMA (held-out loss 3.96 at step 50, 4.11 at 150 at lr 2e-3, and only flat
     * at 5e-4) while the student improved against the seeded teacher (3.95 → 3.87); block-output
     * targets fall at every measurement, 8.22 → 8.02 → 8.00 → 7.93 → 7.89 over 200 steps, within
     * 0.006 of the same student scored against the seeded teacher, and the linear probe of
     * {@code ToneOrderClips} rises from 0.53 to 0.73 after 200 steps (0.63 with feed-forward targets).
     *
     * <p>And a third: peak lr 1e-3, not 5e-4. With the two changes above it falls further at every
     * measurement, 7.84 at step 200 (5e-4: 7.89) and on to 7.72 at step 300, still within 0.04 of
     * the frozen-teacher loss, and the probe reaches 0.76 after 200 steps (5e-4: 0.73).
     */
    public static Builder audioBuilder() {
        return builder().maskProb(SPAN_START_PROB).maskSpans(10, 1).topK(8).targetLayer(TargetLayer.BLOCK_OUTPUT)
                .tau(0.999, 0.9999, 30_000).teacherSharesEmbeddings(false).loss(Loss.L2).lossScale(0)
                .learningRate(1e-3).dropout(0.1, 0.1).maxAudioSeconds(5.0);
    }

    /** data2vec audio's probability that a frame starts a masked span (fairseq mask_prob 0.65 / mask_length 10). */
    private static final double SPAN_START_PROB = 0.065;

    private static void positiveFinite(String key, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(key + " must be a positive number, got " + v);
        }
    }

    private static void unitOpen(String key, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1), got " + v);
        }
    }

    private static void probability(String key, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(key + " must be a probability in [0, 1), got " + v);
        }
    }

    private static void atLeast(String key, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", got " + v);
        }
    }

    /** Fluent construction from the defaults; {@link #build()} validates. */
    public static final class Builder {
        private double learningRate = 5e-4;
        private int warmupSteps = 100;
        private long totalSteps = 100_000;
        private LrSchedule lrSchedule = LrSchedule.CONSTANT;
        private double minLearningRate = 1e-5;
        private double weightDecay = 0.01;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.98;
        private double adamEpsilon = 1e-6;
        private double clipNorm = 1.0;
        private int batchSize = 16;
        private int maxTokens = 128;
        private double maskProb = 0.15;
        private double maskTokenProb = 0.8;
        private double randomTokenProb = 0.1;
        private int topK = 8;
        private TargetLayer targetLayer = TargetLayer.FFN_OUTPUT;
        private double tauStart = 0.999;
        private double tauEnd = 0.9999;
        private long tauAnnealSteps = 10_000;
        private boolean teacherSharesEmbeddings = true;
        private Loss loss = Loss.SMOOTH_L1;
        private double lossBeta = 4.0;
        private double lossScale = 1.0;
        private double hiddenDropout = 0.1;
        private double attentionDropout = 0.1;
        private long seed = 42;
        private Device device = Device.CPU;
        private int checkpointsKept = 2;
        private int maskSpanLength = 10;
        private int minMaskSpans = 1;
        private double maxAudioSeconds = 5.0;

        private Builder() {}

        private Builder(TrainerConfig c) {
            learningRate = c.learningRate;
            warmupSteps = c.warmupSteps;
            totalSteps = c.totalSteps;
            lrSchedule = c.lrSchedule;
            minLearningRate = c.minLearningRate;
            weightDecay = c.weightDecay;
            adamBeta1 = c.adamBeta1;
            adamBeta2 = c.adamBeta2;
            adamEpsilon = c.adamEpsilon;
            clipNorm = c.clipNorm;
            batchSize = c.batchSize;
            maxTokens = c.maxTokens;
            maskProb = c.maskProb;
            maskTokenProb = c.maskTokenProb;
            randomTokenProb = c.randomTokenProb;
            topK = c.topK;
            targetLayer = c.targetLayer;
            tauStart = c.tauStart;
            tauEnd = c.tauEnd;
            tauAnnealSteps = c.tauAnnealSteps;
            teacherSharesEmbeddings = c.teacherSharesEmbeddings;
            loss = c.loss;
            lossBeta = c.lossBeta;
            lossScale = c.lossScale;
            hiddenDropout = c.hiddenDropout;
            attentionDropout = c.attentionDropout;
            seed = c.seed;
            device = c.device;
            checkpointsKept = c.checkpointsKept;
            maskSpanLength = c.maskSpanLength;
            minMaskSpans = c.minMaskSpans;
            maxAudioSeconds = c.maxAudioSeconds;
        }

        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder totalSteps(long v) { totalSteps = v; return this; }
        public Builder lrSchedule(LrSchedule v) { lrSchedule = v; return this; }
        public Builder minLearningRate(double v) { minLearningRate = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder adamBetas(double beta1, double beta2) { adamBeta1 = beta1; adamBeta2 = beta2; return this; }
        public Builder adamEpsilon(double v) { adamEpsilon = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder maskProb(double v) { maskProb = v; return this; }
        public Builder maskTokenProb(double v) { maskTokenProb = v; return this; }
        public Builder randomTokenProb(double v) { randomTokenProb = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder targetLayer(TargetLayer v) { targetLayer = v; return this; }
        public Builder tau(double start, double end, long annealSteps) {
            tauStart = start;
            tauEnd = end;
            tauAnnealSteps = annealSteps;
            return this;
        }
        public Builder teacherSharesEmbeddings(boolean v) { teacherSharesEmbeddings = v; return this; }
        public Builder loss(Loss v) { loss = v; return this; }
        public Builder lossBeta(double v) { lossBeta = v; return this; }
        public Builder lossScale(double v) { lossScale = v; return this; }
        public Builder dropout(double hidden, double attention) {
            hiddenDropout = hidden;
            attentionDropout = attention;
            return this;
        }
        public Builder seed(long v) { seed = v; return this; }
        public Builder device(Device v) { device = v; return this; }
        public Builder checkpointsKept(int v) { checkpointsKept = v; return this; }
        /** Audio span masking: frames per span and spans every clip gets at least. */
        public Builder maskSpans(int length, int minSpans) {
            maskSpanLength = length;
            minMaskSpans = minSpans;
            return this;
        }
        public Builder maxAudioSeconds(double v) { maxAudioSeconds = v; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(learningRate, warmupSteps, totalSteps, lrSchedule, minLearningRate, weightDecay,
                    adamBeta1, adamBeta2, adamEpsilon, clipNorm, batchSize, maxTokens, maskProb, maskTokenProb,
                    randomTokenProb, topK, targetLayer, tauStart, tauEnd, tauAnnealSteps, teacherSharesEmbeddings, loss,
                    lossBeta, lossScale, hiddenDropout, attentionDropout, seed, device, checkpointsKept, maskSpanLength,
                    minMaskSpans, maxAudioSeconds);
        }
    }
}
