package io.d2vstreams.cli.status;

import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillControl;
import io.d2vstreams.topology.backfill.BackfillLog;
import io.d2vstreams.trainer.ModelVersionLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads what the running processes publish, for {@code d2v status}: the pipeline's and the
 * trainer's Prometheus {@code /metrics}, the compacted {@code d2v.models} log (which version is
 * ACTIVE since when, the gate's last verdict with its reason and measurements), the
 * pipeline's committed offsets against the input topics' ends (its consumer lag), and the
 * compacted {@code d2v.backfill} log (each modality's backfill: progress per partition, cut-over). Nothing here
 * needs the processes' own code or a shared file system: it works against {@code d2v up} and
 * against {@code d2v pipeline} and {@code d2v trainer} on a real cluster alike. A source that does
 * not answer is reported as such in the snapshot, never an exception, since one process may be
 * down while the others run.
 */
public final class StatusProbe implements AutoCloseable {

    /**
     * Where to look.
     *
     * @param clientProperties Kafka client settings (bootstrap servers, SASL, TLS)
     * @param registryProperties the registry client's settings
     * @param topics the product's topics (their prefix)
     * @param applicationId the pipeline's application id: its consumer group, whose lag is reported
     * @param pipelineMetrics the pipeline's {@code /metrics}, e.g. {@code http://localhost:9400/metrics}
     * @param trainerMetrics the trainer's {@code /metrics}, e.g. {@code http://localhost:9401/metrics}
     * @param timeout how long one source may take to answer
     */
    public record Options(Map<String, Object> clientProperties, Map<String, String> registryProperties, Topics topics,
                          String applicationId, URI pipelineMetrics, URI trainerMetrics, Duration timeout) {
        public Options {
            clientProperties = Map.copyOf(clientProperties);
            registryProperties = Map.copyOf(registryProperties);
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(pipelineMetrics, "pipelineMetrics");
            Objects.requireNonNull(trainerMetrics, "trainerMetrics");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    private final Options options;
    private final HttpClient http;
    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final ModelVersionLog models;
    private final BackfillControl backfills;

    public StatusProbe(Options options) {
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.timeout()).build();
        Map<String, Object> admin = new HashMap<>(options.clientProperties());
        admin.putIfAbsent("request.timeout.ms", (int) options.timeout().toMillis());
        admin.putIfAbsent("default.api.timeout.ms", (int) options.timeout().toMillis());
        this.admin = Admin.create(admin);
        this.registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(options.registryProperties()));
        this.models = new ModelVersionLog(options.clientProperties(), registry, options.topics().models());
        this.backfills = new BackfillControl(options.clientProperties(), registry, options.topics(), options.timeout());
    }

    /** Everything, read now. */
    public StatusSnapshot take() {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        Scrape pipeline = scrape(options.pipelineMetrics());
        Scrape trainer = scrape(options.trainerMetrics());
        Map<Modality, ModelVersion> active = new EnumMap<>(Modality.class);
        Map<Modality, ModelVersion> decisions = new EnumMap<>(Modality.class);
        String logError = null;
        try {
            models.catchUp(options.timeout());
            for (Modality modality : Modality.values()) {
                models.active(modality).ifPresent(v -> active.put(modality, v));
                models.lastDecision(modality).ifPresent(v -> decisions.put(modality, v));
            }
        } catch (RuntimeException e) {
            logError = options.topics().models() + ": " + e.getMessage();
        }
        Map<Modality, Long> lag = new EnumMap<>(Modality.class);
        String lagError = null;
        try {
            lag.putAll(lag());
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            lagError = "consumer group " + options.applicationId() + ": " + message(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lagError = "interrupted";
        }
        Map<Modality, BackfillControl.Status> backfill = new EnumMap<>(Modality.class);
        String backfillError = null;
        try {
            BackfillLog log = backfills.read();
            for (Modality modality : Modality.values()) {
                backfill.put(modality, backfills.status(log, modality));
            }
        } catch (RuntimeException e) {
            backfillError = options.topics().backfill() + ": " + message(e);
        }
        return new StatusSnapshot(nanos, millis, pipeline.metrics(), pipeline.error(), trainer.metrics(), trainer.error(),
                active, decisions, logError, lag, lagError, backfill, backfillError);
    }

    public Options options() {
        return options;
    }

    @Override
    public void close() {
        try {
            models.close();
        } finally {
            try {
                registry.close();
            } finally {
                admin.close(options.timeout());
            }
        }
    }

    private record Scrape(PrometheusText metrics, String error) {}

    private Scrape scrape(URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(options.timeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Scrape(null, uri + " answered " + response.statusCode());
            }
            return new Scrape(PrometheusText.parse(response.body()), null);
        } catch (IOException | IllegalArgumentException e) {
            return new Scrape(null, uri + ": " + message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape(null, uri + ": interrupted");
        }
    }

    /**
     * Per modality, the records of its input topic (read_committed) that the pipeline's consumer
     * group has not committed yet; a partition the group never committed counts from its start.
     */
    private Map<Modality, Long> lag() throws ExecutionException, InterruptedException, TimeoutException {
        long timeout = options.timeout().toMillis();
        Map<String, Modality> byTopic = new HashMap<>();
        for (Modality modality : Modality.values()) {
            byTopic.put(options.topics().events(modality), modality);
        }
        Map<String, TopicDescription> described = admin.describeTopics(byTopic.keySet()).allTopicNames()
                .get(timeout, TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        described.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(options.applicationId())
                .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start = offsets(partitions, OffsetSpec.earliest());
        Map<Modality, Long> lag = new EnumMap<>(Modality.class);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata done = committed.get(tp);
            long from = done == null ? start.get(tp).offset() : done.offset();
            lag.merge(byTopic.get(tp.topic()), Math.max(0, end.get(tp).offset() - from), Long::sum);
        }
        return lag;
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(List<TopicPartition> partitions,
            OffsetSpec spec) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String message(Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String text = cause.getMessage();
        return text == null || text.isBlank() ? cause.getClass().getSimpleName() : text;
    }
}
