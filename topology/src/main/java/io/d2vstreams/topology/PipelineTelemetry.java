package io.d2vstreams.topology;

import io.d2vstreams.topology.internal.StreamsApp;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

/** One pipeline's meter registry, its Kafka Streams binders and its HTTP endpoint, closed together. */
final class PipelineTelemetry implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry);
    private final List<KafkaStreamsMetrics> binders = new ArrayList<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private MetricsServer server;

    PipelineTelemetry() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    MicrometerPipelineMetrics metrics() {
        return metrics;
    }

    void bind(StreamsApp app) {
        binders.add(app.bindMetrics(registry));
    }

    void serve(PipelineConfig config, Supplier<MetricsServer.Health> health) {
        if (config.metricsPort() >= 0) {
            server = MetricsServer.start(config.metricsHost(), config.metricsPort(), registry, health);
        }
    }

    OptionalInt port() {
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        binders.forEach(KafkaStreamsMetrics::close);
        gc.close();
        registry.close();
    }
}
