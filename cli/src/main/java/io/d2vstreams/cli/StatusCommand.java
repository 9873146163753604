package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.cli.status.StatusProbe;
import io.d2vstreams.cli.status.StatusReport;
import io.d2vstreams.cli.status.StatusSnapshot;
import io.d2vstreams.topology.ConfigSource;
import io.d2vstreams.topology.PipelineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show what the loop is doing, per modality (text, image and audio): the serving version and since",
                "when, records embedded and dead-lettered per second, the pipeline's consumer lag, the trainer's step,",
                "samples in replay, the held-out loss now and at the last export, the quality gate's last decision",
                "with its reason and measurements, and the backfill of the version served (progress, records/s, lag,",
                "cut-over reached or not; a bar where a terminal is attached). Reads what the processes publish: the",
                "pipeline's and the trainer's /metrics, d2v.models, d2v.backfill and the pipeline's committed offsets;",
                "so it works against d2v up and against d2v pipeline / d2v trainer on a cluster alike."})
final class StatusCommand implements Callable<Integer> {
    /** ANSI: cursor home, clear the screen; what watch(1) does between refreshes. */
    private static final String CLEAR = "\u001b[H\u001b[2J";

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The pipeline's properties file (bootstrap.servers, schema.registry.url, application.id, "
                    + "topic.prefix, metrics.port, Kafka client properties); D2V_* variables override it. Without it: "
                    + "the embedded default's (localhost:9092, http://localhost:8081).")
    Path config;

    @Option(names = "--pipeline-metrics", paramLabel = "URL",
            description = "The pipeline's /metrics (default: http://localhost:<metrics.port>/metrics).")
    URI pipelineMetrics;

    @Option(names = "--trainer-metrics", paramLabel = "URL", defaultValue = "http://localhost:9401/metrics",
            description = "The trainer's /metrics (default: ${DEFAULT-VALUE}).")
    URI trainerMetrics;

    @Option(names = "--json", description = "Print one JSON object per refresh, on one line.")
    boolean json;

    @Option(names = "--watch", description = "Refresh in place every --interval until Ctrl-C (or --count refreshes).")
    boolean watch;

    @Option(names = "--interval", defaultValue = "PT2S", paramLabel = "DURATION",
            description = "Time between the two readings rates are taken over, and between refreshes (ISO-8601, "
                    + "default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", description = "With --watch, stop after N refreshes.")
    Integer count;

    @Option(names = "--timeout", defaultValue = "PT5S", paramLabel = "DURATION",
            description = "How long each source may take to answer (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("--interval must be positive, was " + interval);
        }
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, was " + count);
        }
        PipelineConfig settings = PipelineConfig.from(ConfigSource.load(config, System.getenv()));
        URI pipeline = pipelineMetrics;
        if (pipeline == null) {
            if (settings.metricsPort() <= 0) {
                throw new IllegalArgumentException("metrics.port is " + settings.metricsPort()
                        + " in the pipeline's settings; give --pipeline-metrics URL");
            }
            pipeline = URI.create("http://localhost:" + settings.metricsPort() + "/metrics");
        }
        StatusProbe.Options options = new StatusProbe.Options(settings.clientProperties(), settings.registryProperties(),
                settings.topics(), settings.applicationId(), pipeline, trainerMetrics, timeout);
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper();
        // A bar only where a person watches: in a log or a pipe it is noise.
        boolean terminal = System.console() != null;
        try (StatusProbe probe = new StatusProbe(options)) {
            StatusSnapshot before = probe.take();
            for (int shown = 0; count == null || shown < count; shown++) {
                Thread.sleep(interval.toMillis());
                StatusSnapshot now = probe.take();
                StatusReport report = StatusReport.between(before, now, options);
                if (json) {
                    out.println(mapper.writeValueAsString(report.toJson()));
                } else {
                    out.print((watch ? CLEAR : "") + report.toText(terminal));
                }
                out.flush();
                if (!watch) {
                    break;
                }
                before = now;
            }
        }
        return 0;
    }
}
