package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.bench.LinearProbeBench;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Measure whether data2vec training improves the TEXT representations (no Kafka): a linear probe",
                "(logistic regression on frozen pooled embeddings) on labelled anagram-family sentences, scored with the",
                "seeded encoder and again after --steps updates on unlabelled sentences of the same generator."})
final class BenchProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "600", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B",
            description = "Texts per step, the trainer's default (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-4", paramLabel = "LR",
            description = "Peak learning rate, the trainer's default (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-steps", defaultValue = "100", paramLabel = "N",
            description = "Learning-rate warm-up, the trainer's default (default: ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--top-k", defaultValue = "8", paramLabel = "K",
            description = "Teacher layers averaged into the targets, capped at the layer count (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--target-layer", defaultValue = "FFN_OUTPUT", paramLabel = "L",
            description = "FFN_OUTPUT or BLOCK_OUTPUT (default: ${DEFAULT-VALUE}).")
    TrainerConfig.TargetLayer targetLayer;

    @Option(names = "--tau-start", defaultValue = "0.999", paramLabel = "T",
            description = "Teacher EMA decay at the first step (default: ${DEFAULT-VALUE}).")
    double tauStart;

    @Option(names = "--tau-end", defaultValue = "0.9999", paramLabel = "T",
            description = "Teacher EMA decay after 10000 steps (default: ${DEFAULT-VALUE}).")
    double tauEnd;

    @Option(names = "--mask-prob", defaultValue = "0.15", paramLabel = "P",
            description = "Fraction of tokens the student predicts (default: ${DEFAULT-VALUE}).")
    double maskProb;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "The trainer's seed: masks, dropout, regression head (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        TrainerConfig config = TrainerConfig.builder().batchSize(batch).learningRate(learningRate).warmupSteps(warmupSteps)
                .topK(topK).targetLayer(targetLayer).tau(tauStart, tauEnd, TrainerConfig.defaults().tauAnnealSteps())
                .maskProb(maskProb).seed(seed).build();
        LinearProbeBench.Result r;
        try (TemporaryDirectory work = TemporaryDirectory.create("d2v-bench-probe");
             StderrProgress progress = new StderrProgress("data2vec steps")) {
            r = LinearProbeBench.run(LinearProbeBench.Options.of(steps, config), work.path(), progress::update);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "probe accuracy (%d train, %d test sentences): seeded v%d %.3f, trained v%d %.3f (%+.1f points)%n",
                r.trainExamples(), r.testExamples(), r.initialVersion(), r.probeAccuracyInitial(), r.trainedVersion(),
                r.probeAccuracyTrained(), r.pointsGained());
        out.printf(Locale.ROOT, "held-out data2vec loss: %.4f before, %.4f after %d steps of batch %d; %.1f s in all%n",
                r.heldOutLossInitial(), r.heldOutLossTrained(), r.steps(), r.batch(), r.wallSeconds());
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("probe_accuracy_initial", r.probeAccuracyInitial());
            fields.put("probe_accuracy_trained", r.probeAccuracyTrained());
            fields.put("points_gained", r.pointsGained());
            fields.put("heldout_loss_initial", r.heldOutLossInitial());
            fields.put("heldout_loss_trained", r.heldOutLossTrained());
            fields.put("steps", r.steps());
            fields.put("batch", r.batch());
            fields.put("learning_rate", learningRate);
            fields.put("warmup_steps", warmupSteps);
            fields.put("top_k", topK);
            fields.put("target_layer", targetLayer.name());
            fields.put("tau_start", tauStart);
            fields.put("tau_end", tauEnd);
            fields.put("mask_prob", maskProb);
            fields.put("seed", seed);
            fields.put("probe_train", r.trainExamples());
            fields.put("probe_test", r.testExamples());
            fields.put("wall_s", r.wallSeconds());
            out.println(new ObjectMapper().writeValueAsString(fields));
        }
        out.flush();
        return 0;
    }
}
