package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.cli.bench.LearningPlots;
import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.TrainingModality;
import io.d2vstreams.trainer.bench.TrainerBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Measure the trainer on the seeded tiny encoder and generated texts, images or audio clips (no Kafka):",
                "ms per step, samples per second, and the held-out data2vec loss every few steps."})
final class BenchTrainerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--modality", defaultValue = "text", paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio (default: ${DEFAULT-VALUE}).")
    Modality modality;

    @Option(names = "--steps", defaultValue = "200", paramLabel = "N", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B",
            description = "Texts, images or clips per step, the trainer's default (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-tokens", defaultValue = "128", paramLabel = "T",
            description = "Most tokens per text; text only (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-seconds", defaultValue = "5.0", paramLabel = "S",
            description = "Longest clip trained on, longer ones cropped; audio only (default: ${DEFAULT-VALUE}).")
    double maxSeconds;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "N", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--eval-every", defaultValue = "50", paramLabel = "N",
            description = "Steps between held-out loss measurements (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "D", converter = BenchEncoderCommand.DeviceConverter.class,
            description = "cpu or cuda; cuda falls back to cpu when libtorch sees no GPU (default: ${DEFAULT-VALUE}).")
    Device device;

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the figures.")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Also draw the held-out loss against the training step into this PNG.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        TrainerConfig.Builder settings = TrainingModality.of(modality).trainingDefaults();
        TrainerConfig config = settings.batchSize(batch).maxTokens(maxTokens).maxAudioSeconds(maxSeconds).device(device)
                .build();
        TrainerBench.Result r;
        try (TemporaryDirectory work = TemporaryDirectory.create("d2v-bench-trainer")) {
            TrainerBench.Options options = new TrainerBench.Options(steps, warmup, evalEvery, 64, config);
            r = TrainerBench.run(modality, options, work.path());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "trainer (%s): batch %d, %d steps, %.1f ms/step (p50 %.1f, p90 %.1f), %.1f samples/s on %d cpus%n",
                modality.folderName(), r.batch(), r.steps(), r.msPerStepMean(), r.msPerStepP50(), r.msPerStepP90(), r.samplesPerSecond(), r.cpus());
        out.printf(Locale.ROOT, "batch loss: first %.3f, last tenth %.3f%n", r.trainLossFirst(), r.trainLossLast());
        for (TrainerBench.LossPoint p : r.heldOut()) {
            out.printf(Locale.ROOT, "held-out loss at step %d: %.4f%n", p.step(), p.heldOutLoss());
        }
        if (plot != null) {
            LearningPlots.writeLossCurve(r.heldOut(), String.format(Locale.ROOT, "%s trainer: held-out loss, batch %d",
                    modality.folderName(), r.batch()), plot);
            out.println("plot: " + plot);
        }
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("modality", modality.folderName());
            fields.put("batch", r.batch());
            if (modality == Modality.AUDIO) {
                fields.put("max_seconds", maxSeconds);
            }
            fields.put("steps", r.steps());
            fields.put("ms_per_step", r.msPerStepMean());
            fields.put("ms_per_step_p50", r.msPerStepP50());
            fields.put("ms_per_step_p90", r.msPerStepP90());
            fields.put("samples_per_s", r.samplesPerSecond());
            fields.put("train_loss_first", r.trainLossFirst());
            fields.put("train_loss_last", r.trainLossLast());
            List<Map<String, Object>> curve = r.heldOut().stream()
                    .map(p -> Map.<String, Object>of("step", p.step(), "loss", p.heldOutLoss())).toList();
            fields.put("heldout_loss", curve);
            fields.put("cpus", r.cpus());
            fields.put("device", device.name().toLowerCase(Locale.ROOT));
            out.println(new ObjectMapper().writeValueAsString(fields));
        }
        out.flush();
        return 0;
    }
}
