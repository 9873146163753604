package io.d2vstreams.cli;

import io.d2vstreams.schemas.ConfigSecrets;
import io.d2vstreams.topology.ConfigSource;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run the embedding pipeline (and its sampling topology) against an external Kafka cluster "
                + "and Schema Registry until Ctrl-C or SIGTERM.",
                "Settings come from the properties file, then D2V_* environment variables "
                        + "(D2V_TEXT_BATCH_MAX_SIZE=64 sets text.batch.max.size); Kafka client properties "
                        + "(security.protocol, sasl.*, ssl.*) pass through."})
final class PipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file; without it, the defaults and D2V_* environment variables alone.")
    Path config;

    @Override
    public Integer call() throws Exception {
        Logging.configure(spec);
        PipelineConfig pipelineConfig = PipelineConfig.from(ConfigSource.load(config, System.getenv()));
        EmbeddingPipeline pipeline = EmbeddingPipeline.start(pipelineConfig);
        spec.commandLine().getErr().printf("d2v pipeline: application %s on %s, registry %s. Ctrl-C to stop.%n",
                pipelineConfig.applicationId(), pipelineConfig.bootstrapServers(),
                ConfigSecrets.withoutUserInfo(pipelineConfig.schemaRegistryUrl()));
        ServiceLifetime.runUntilStopped(pipeline);
        return 0;
    }
}
