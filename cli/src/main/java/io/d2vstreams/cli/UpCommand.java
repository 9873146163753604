package io.d2vstreams.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the embedded stack as a service: Kafka on localhost:9092, the registry on "
                + "http://localhost:8081, the pipeline embedding text, images and audio, and the trainer refreshing the "
                + "text, image and audio encoders, until Ctrl-C or SIGTERM. State persists in the data directory.")
final class UpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "d2v-data", description = "Where broker, registry and models keep their state (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka listener port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema Registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--metrics-port", defaultValue = "9400", description = "Port of the pipeline's /metrics and /health (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--trainer-metrics-port", defaultValue = "9401",
            description = "Port of the trainer's /metrics and /health; -1 turns them off (default: ${DEFAULT-VALUE}).")
    int trainerMetricsPort;

    @Override
    public Integer call() throws Exception {
        Logging.configure(spec);
        EmbeddedService service = EmbeddedService.start(
                new EmbeddedService.Options(dataDir, "localhost", kafkaPort, registryPort, metricsPort, trainerMetricsPort));
        spec.commandLine().getErr().printf("d2v up: Kafka %s, registry %s, metrics http://localhost:%d/metrics, data in %s. Ctrl-C to stop.%n",
                service.bootstrapServers(), service.registryUrl(), metricsPort, dataDir.toAbsolutePath());
        ServiceLifetime.runUntilStopped(service);
        return 0;
    }
}
