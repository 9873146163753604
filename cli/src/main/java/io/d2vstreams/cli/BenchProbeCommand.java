package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.cli.bench.LearningPlots;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.TrainingModality;
import io.d2vstreams.trainer.bench.LinearProbeBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Measure whether data2vec training improves the representations (no Kafka): a linear probe",
                "(logistic regression on frozen pooled embeddings) on labelled generated inputs, scored with the seeded",
                "encoder and again after --steps updates on unlabelled inputs of the same generator. text: which anagram",
                "family a sentence is written in; image: which shape (circle, square, triangle) an image shows; audio:",
                "whether a pair of tones rises or falls (twins hold the same samples in the other order).",
                "Options left out take the modality's trainer defaults."})
final class BenchProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--modality", defaultValue = "text", paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio (default: ${DEFAULT-VALUE}).")
    Modality modality;

    @Option(names = "--steps", defaultValue = "600", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B",
            description = "Inputs per step, the trainer's default (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "LR",
            description = "Peak learning rate (default: the trainer's, text 5e-4, image 3e-3, audio 1e-3).")
    Double learningRate;

    @Option(names = "--warmup-steps", paramLabel = "N",
            description = "Learning-rate warm-up (default: the trainer's, text 100, image 20, audio 100).")
    Integer warmupSteps;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Teacher layers averaged into the targets, capped at the layer count (default: text 8, image 6, audio 8).")
    Integer topK;

    @Option(names = "--target-layer", paramLabel = "L",
            description = "FFN_OUTPUT or BLOCK_OUTPUT (default: text FFN_OUTPUT, image and audio BLOCK_OUTPUT).")
    TrainerConfig.TargetLayer targetLayer;

    @Option(names = "--tau-start", paramLabel = "T",
            description = "Teacher EMA decay at the first step (default: text and audio 0.999, image 0.9998).")
    Double tauStart;

    @Option(names = "--tau-end", paramLabel = "T",
            description = "Teacher EMA decay after 10000 steps (default: 0.9999).")
    Double tauEnd;

    @Option(names = "--mask-prob", paramLabel = "P",
            description = "Fraction of tokens or patches the student predicts; for audio, the probability that a frame"
                    + " starts a masked span of 10 (default: text 0.15, image 0.6, audio 0.065).")
    Double maskProb;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "The trainer's seed: masks, dropout, regression head (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N",
            description = "Repeat the whole measurement with N trainer seeds, --seed, --seed + 1, ... (default: ${DEFAULT-VALUE}):"
                    + " one run says little about a method whose masks and head are random.")
    int seeds;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Also draw the probe accuracy of the seeded and the trained encoder, per seed, into this PNG.")
    Path plot;

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        TrainerConfig defaults = TrainingModality.of(modality).trainingDefaults().build();
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<LearningPlots.SeededProbe> runs = new ArrayList<>();
        for (long runSeed = seed; runSeed < seed + seeds; runSeed++) {
            LinearProbeBench.Result r = measure(defaults, runSeed);
            runs.add(new LearningPlots.SeededProbe(runSeed, r));
            out.printf(Locale.ROOT, "seed %d: probe accuracy (%d train, %d test %s): seeded v%d %.3f, trained v%d %.3f (%+.1f points)%n",
                    runSeed, r.trainExamples(), r.testExamples(), switch (modality) {
                        case TEXT -> "sentences";
                        case IMAGE -> "images";
                        case AUDIO -> "clips";
                    },
                    r.initialVersion(), r.probeAccuracyInitial(), r.trainedVersion(), r.probeAccuracyTrained(), r.pointsGained());
            out.printf(Locale.ROOT, "seed %d: held-out data2vec loss: %.4f before, %.4f after %d steps of batch %d; %.1f s in all%n",
                    runSeed, r.heldOutLossInitial(), r.heldOutLossTrained(), r.steps(), r.batch(), r.wallSeconds());
            out.flush();
        }
        double meanGain = runs.stream().mapToDouble(run -> run.result().pointsGained()).average().orElseThrow();
        if (seeds > 1) {
            out.printf(Locale.ROOT, "mean over %d seeds: %+.1f points (min %+.1f, max %+.1f)%n", seeds, meanGain,
                    runs.stream().mapToDouble(run -> run.result().pointsGained()).min().orElseThrow(),
                    runs.stream().mapToDouble(run -> run.result().pointsGained()).max().orElseThrow());
        }
        if (plot != null) {
            LearningPlots.writeProbeAccuracies(runs, String.format(Locale.ROOT, "%s linear probe, %d data2vec steps",
                    modality.folderName(), steps), plot);
            out.println("plot: " + plot);
        }
        TrainerConfig config = configFor(defaults, seed);
        LinearProbeBench.Result r = runs.get(0).result();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("modality", modality.folderName());
            fields.put("probe_accuracy_initial", r.probeAccuracyInitial());
            fields.put("probe_accuracy_trained", r.probeAccuracyTrained());
            fields.put("points_gained", r.pointsGained());
            fields.put("heldout_loss_initial", r.heldOutLossInitial());
            fields.put("heldout_loss_trained", r.heldOutLossTrained());
            fields.put("steps", r.steps());
            fields.put("batch", r.batch());
            fields.put("learning_rate", config.learningRate());
            fields.put("warmup_steps", config.warmupSteps());
            fields.put("top_k", config.topK());
            fields.put("target_layer", config.targetLayer().name());
            fields.put("tau_start", config.tauStart());
            fields.put("tau_end", config.tauEnd());
            fields.put("mask_prob", config.maskProb());
            fields.put("seed", seed);
            fields.put("classes", r.classes());
            fields.put("probe_train", r.trainExamples());
            fields.put("probe_test", r.testExamples());
            fields.put("wall_s", r.wallSeconds());
            if (seeds > 1) {
                fields.put("mean_points_gained", meanGain);
                fields.put("runs", runs.stream().map(run -> Map.<String, Object>of("seed", run.seed(),
                        "probe_accuracy_initial", run.result().probeAccuracyInitial(),
                        "probe_accuracy_trained", run.result().probeAccuracyTrained(),
                        "points_gained", run.result().pointsGained())).toList());
            }
            out.println(new ObjectMapper().writeValueAsString(fields));
        }
        out.flush();
        return 0;
    }

    private LinearProbeBench.Result measure(TrainerConfig defaults, long runSeed) throws Exception {
        try (TemporaryDirectory work = TemporaryDirectory.create("d2v-bench-probe");
             StderrProgress progress = new StderrProgress("data2vec steps, seed " + runSeed)) {
            LinearProbeBench.Options options = LinearProbeBench.Options.of(steps, configFor(defaults, runSeed));
            return LinearProbeBench.run(modality, options, work.path(), progress::update);
        }
    }

    /** The modality's trainer defaults with every option given on the command line, and this seed. */
    private TrainerConfig configFor(TrainerConfig defaults, long runSeed) {
        return defaults.toBuilder().batchSize(batch)
                .learningRate(learningRate != null ? learningRate : defaults.learningRate())
                .warmupSteps(warmupSteps != null ? warmupSteps : defaults.warmupSteps())
                .topK(topK != null ? topK : defaults.topK())
                .targetLayer(targetLayer != null ? targetLayer : defaults.targetLayer())
                .tau(tauStart != null ? tauStart : defaults.tauStart(), tauEnd != null ? tauEnd : defaults.tauEnd(),
                        defaults.tauAnnealSteps())
                .maskProb(maskProb != null ? maskProb : defaults.maskProb()).seed(runSeed).build();
    }
}
