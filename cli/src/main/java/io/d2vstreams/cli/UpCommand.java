package io.d2vstreams.cli;

import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.devstack.RegistryAuth;
import io.d2vstreams.topology.PipelineConfig;
import picocli.CommandLine;
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

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the topics d2v up creates (topic.partitions, default 3): the most pipeline "
                    + "instances that can share the input. Topics that exist keep theirs.")
    Integer partitions;

    @Option(names = "--registry-users", paramLabel = "FILE",
            description = {"Turn on HTTP basic auth for the registry, with the users of this properties file "
                    + "(user=password lines; keep it readable by you only). Writes (new schemas, compatibility "
                    + "changes, deletes) then need a user's credentials; reads stay open. The stack's own pipeline "
                    + "and trainer get a generated user. Without it the registry needs no credentials and is "
                    + "served on localhost only."})
    Path registryUsers;

    /** The parts of the embedded stack. */
    enum Part { broker, registry, pipeline, trainer }

    @Option(names = "--only", split = ",", paramLabel = "PARTS",
            description = {"Run only these parts: broker,registry runs the cluster alone (on the same data "
                    + "directory), for pipelines and trainers started apart (d2v pipeline, d2v trainer) that keep "
                    + "running while it is stopped and started again. Default: broker, registry, pipeline and trainer."})
    java.util.EnumSet<Part> only;

    @Override
    public Integer call() throws Exception {
        Logging.configure(spec);
        if (only != null && !only.equals(java.util.EnumSet.allOf(Part.class))) {
            if (!only.equals(java.util.EnumSet.of(Part.broker, Part.registry))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--only takes broker,registry (the "
                        + "cluster alone) or all four parts, not " + only + "; run a pipeline or a trainer on its own "
                        + "against a cluster with d2v pipeline --config or d2v trainer --config");
            }
            return runClusterOnly();
        }
        int topicPartitions = partitions != null ? partitions : PipelineConfig.defaults().topicPartitions();
        RegistryAuth auth = registryUsers == null ? RegistryAuth.none() : RegistryAuth.fromUsersFile(registryUsers);
        EmbeddedService service = EmbeddedService.start(new EmbeddedService.Options(dataDir, "localhost", kafkaPort,
                registryPort, metricsPort, trainerMetricsPort, auth, topicPartitions));
        spec.commandLine().getErr().printf("d2v up: Kafka %s, registry %s, metrics http://localhost:%d/metrics, data in %s. Ctrl-C to stop.%n",
                service.bootstrapServers(), service.registryUrl(), service.pipeline().metricsPort().orElse(metricsPort),
                dataDir.toAbsolutePath());
        service.ready().thenRun(() -> spec.commandLine().getErr().printf(
                "d2v up: ready: schemas registered, pipeline running; produce to %s.%n", service.bootstrapServers()));
        ServiceLifetime.runUntilStopped(service);
        return 0;
    }

    /** The broker and registry of the stack, on its data directory, until stopped. */
    private int runClusterOnly() throws InterruptedException {
        RegistryAuth auth = registryUsers == null ? RegistryAuth.none() : RegistryAuth.fromUsersFile(registryUsers);
        DevStack stack = DevStack.start(DevStackOptions.builder(EmbeddedService.stackDir(dataDir)).host("localhost")
                .kafkaPort(kafkaPort).registryPort(registryPort).registryAuth(auth).build());
        org.slf4j.LoggerFactory.getLogger(UpCommand.class).info("event=cluster_ready kafka={} registry={} data_dir={}",
                stack.bootstrapServers(), stack.registryUrl(), dataDir.toAbsolutePath());
        spec.commandLine().getErr().printf("d2v up --only broker,registry: Kafka %s, registry %s, data in %s. Ctrl-C to stop.%n",
                stack.bootstrapServers(), stack.registryUrl(), dataDir.toAbsolutePath());
        ServiceLifetime.runUntilStopped(stack);
        return 0;
    }
}
