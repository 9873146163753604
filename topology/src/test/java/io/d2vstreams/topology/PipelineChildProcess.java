package io.d2vstreams.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The pipeline as a separate JVM, for tests that kill it with {@code kill -9}. Prints
 * {@code RUNNING} on stdout once the streams client runs, then blocks until killed.
 * Arguments: bootstrap servers, registry URL, model store directory, then any number of
 * {@code key=value} settings that override the test defaults below.
 */
public final class PipelineChildProcess {
    public static final String READY_LINE = "RUNNING";
    public static final String APPLICATION_ID = "kill-test-pipeline";

    private PipelineChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, args[0],
                PipelineConfig.SCHEMA_REGISTRY_URL, args[1],
                PipelineConfig.MODEL_STORE_DIR, args[2],
                PipelineConfig.APPLICATION_ID, APPLICATION_ID,
                PipelineConfig.TOPIC_PARTITIONS, "2",
                PipelineConfig.TEXT_BATCH_MAX_SIZE, "16",
                PipelineConfig.METRICS_PORT, "0",
                PipelineConfig.TEXT_BATCH_MAX_WAIT_MS, "100"));
        // session.timeout.ms and heartbeat.interval.ms stay at the product's defaults: the kill
        // tests measure the failover an operator gets.
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddingPipeline pipeline = EmbeddingPipeline.start(PipelineConfig.from(settings));
        pipeline.awaitRunning(Duration.ofSeconds(120));
        System.out.println(READY_LINE);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
