package io.d2vstreams.cli;

import io.d2vstreams.schemas.ConfigSecrets;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Run the continual trainer against a Kafka cluster and registry until Ctrl-C or SIGTERM: "
                + "for each modality of trainer.modalities (text, image and audio by default) it reads d2v.training.samples, "
                + "trains the store's ACTIVE encoder of that modality with data2vec, checkpoints with its consumer "
                + "offsets, and announces quality-gated versions on d2v.models. A stop writes a last checkpoint per "
                + "modality; a restart (also after kill -9) continues from the newest ones.")
final class TrainerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TrainerConfigOption config;

    @Override
    public Integer call() throws Exception {
        Logging.configure(spec);
        TrainerWorkerConfig settings = config.load();
        TrainerWorker worker = TrainerWorker.start(settings);
        TrainerTelemetry telemetry = TrainerTelemetry.serve(worker, settings.metricsHost(), settings.metricsPort());
        // SIGTERM and Ctrl-C run the hook: stop at a step boundary, checkpoint, commit, close the clients.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            if (telemetry != null) {
                telemetry.close();
            }
        }, "d2v-trainer-shutdown"));
        spec.commandLine().getErr().printf(
                "d2v trainer: modalities %s, Kafka %s, registry %s, store %s, checkpoints %s, metrics %s. Ctrl-C to stop.%n",
                settings.modalities(), settings.bootstrapServers(), ConfigSecrets.withoutUserInfo(settings.schemaRegistryUrl()),
                settings.modelStoreDir().toAbsolutePath(), settings.checkpointDir().toAbsolutePath(),
                telemetry == null ? "off" : "http://" + settings.metricsHost() + ":" + telemetry.port().getAsInt() + "/metrics");
        spec.commandLine().getErr().flush();
        while (!worker.awaitTermination(Duration.ofSeconds(1))) {
            // the worker runs until the shutdown hook stops it, or it fails
        }
        if (worker.failure().isPresent()) {
            Throwable failure = worker.failure().get();
            throw new IllegalStateException("trainer stopped: " + failure.getMessage(), failure);
        }
        return 0;
    }
}
