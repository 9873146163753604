package io.d2vstreams.cli;

import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded stack as a long-running service ({@code d2v up}): broker, registry and
 * pipeline on one data directory. Everything durable lives in that directory, so starting
 * again on it (also after {@code kill -9}) carries on where the last run stopped.
 */
public final class EmbeddedService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedService.class);

    /** Ports of the embedded default (DESIGN.md); 0 picks free ports, for tests. */
    public record Options(Path dataDir, String host, int kafkaPort, int registryPort, int metricsPort) {
        public static Options defaults(Path dataDir) {
            return new Options(dataDir, "localhost", 9092, 8081, 9400);
        }
    }

    private final DevStack stack;
    private final EmbeddingPipeline pipeline;

    private EmbeddedService(DevStack stack, EmbeddingPipeline pipeline) {
        this.stack = stack;
        this.pipeline = pipeline;
    }

    public static EmbeddedService start(Options options) {
        long started = System.nanoTime();
        DevStack stack = DevStack.start(DevStackOptions.builder(options.dataDir().resolve("stack"))
                .host(options.host()).kafkaPort(options.kafkaPort()).registryPort(options.registryPort()).build());
        try {
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "1",
                    PipelineConfig.METRICS_PORT, Integer.toString(options.metricsPort()),
                    PipelineConfig.MODEL_STORE_DIR, options.dataDir().resolve("models").toString()));
            EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
            log.info("event=service_started kafka={} registry={} data_dir={} startup_ms={}", stack.bootstrapServers(),
                    stack.registryUrl(), options.dataDir().toAbsolutePath(), (System.nanoTime() - started) / 1_000_000);
            return new EmbeddedService(stack, pipeline);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public String registryUrl() {
        return stack.registryUrl();
    }

    public EmbeddingPipeline pipeline() {
        return pipeline;
    }

    @Override
    public void close() {
        try {
            pipeline.close();
        } finally {
            stack.close();
        }
    }
}
