package io.d2vstreams.topology;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.topology.internal.StreamsApp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * What {@code /health} says about one pipeline instance, and the moment it is ready.
 * <ul>
 *   <li>{@code STARTING} (503) until the schemas are registered, the topics exist, the models are
 *       loaded and every streams client has been RUNNING once. Then the pipeline is ready: it logs
 *       {@code event=pipeline_ready} once, and from then on {@code /health} is UP or DOWN.</li>
 *   <li>{@code UP} (200) while none of the causes below holds. A rebalance is not one: instances
 *       joining and leaving is normal operation.</li>
 *   <li>{@code DOWN} (503), with a {@code cause}: {@code streams_failed} (a streams client is in
 *       ERROR or stopped), {@code cluster_unreachable} (no broker answered for
 *       {@code health.cluster.timeout.ms}) or {@code stalled} (records wait on this instance's input
 *       partitions, and none was processed for {@code health.stall.timeout.ms}).</li>
 * </ul>
 * Stream thread states alone do not show an outage: during one the threads stay RUNNING, or are
 * replaced and come back RUNNING, while nothing moves. So a background probe measures, once a
 * {@link #PROBE_INTERVAL}, whether a broker answers (an Admin {@code describeCluster}) and whether
 * this instance's committed offsets move (its consumer group's committed offsets against the end
 * offsets of the input partitions it owns). The HTTP handler only reads what the probe measured,
 * so a request never waits on the cluster.
 */
final class PipelineHealth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineHealth.class);
    /** How often the probe asks the cluster: cheap (three small requests), and fine-grained enough for both timeouts. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /** Longest one probe request may wait, at most: an unanswered probe leaves the last answer's age growing. */
    private static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Set<KafkaStreams.State> STOPPED = EnumSet.of(KafkaStreams.State.ERROR,
            KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING);

    enum Status { STARTING, UP, DOWN }

    /** One evaluation: the status, a machine-readable cause and the operator's reason (both empty when UP). */
    record Report(Status status, String cause, String reason) {
        static final Report UP = new Report(Status.UP, "", "");
    }

    /** The running parts, known once the streams clients are started. */
    private record Watched(StreamsApp embedding, Optional<StreamsApp> sampling, ServingModels models, LongSupplier recordsOut) {
    }

    private final PipelineConfig config;
    private final Set<String> inputTopics;
    /** Half the cluster timeout (at most 5 s): probes end, and log a change, while an outage is still young. */
    private final Duration probeTimeout;
    private final long createdNanos = System.nanoTime();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile String phase = "starting";
    private volatile Watched watched;
    // Written by the probe thread, read by the HTTP handler.
    private volatile long clusterAnsweredNanos;
    private volatile String clusterError = "";
    private volatile long recordsWaiting;
    private volatile long progressNanos;
    // The probe thread's own.
    private Map<TopicPartition, Long> lastCommitted = Map.of();
    private long lastRecordsOut = -1;
    private String lastLogged = "";
    private Admin admin;
    private ScheduledExecutorService probe;

    PipelineHealth(PipelineConfig config) {
        this.config = config;
        Duration half = config.healthClusterTimeout().dividedBy(2);
        this.probeTimeout = half.compareTo(MAX_PROBE_TIMEOUT) < 0 ? half : MAX_PROBE_TIMEOUT;
        this.inputTopics = Arrays.stream(Modality.values()).map(config.topics()::events).collect(Collectors.toUnmodifiableSet());
    }

    /** What start-up is doing now, shown while STARTING. */
    void phase(String phase) {
        this.phase = phase;
    }

    /**
     * From now on health follows the streams clients; ready once each has been RUNNING.
     *
     * @param recordsOut records embedded or dead-lettered so far, a count that only grows
     */
    void watch(StreamsApp embedding, Optional<StreamsApp> sampling, ServingModels models, LongSupplier recordsOut) {
        long now = System.nanoTime();
        // The cluster has just answered the topic set-up, and nothing can be stalled before it runs.
        clusterAnsweredNanos = now;
        progressNanos = now;
        watched = new Watched(embedding, sampling, models, recordsOut);
        phase = "waiting for the stream threads to be RUNNING";
        List<CompletableFuture<Void>> running = new ArrayList<>(List.of(embedding.whenRunning()));
        sampling.ifPresent(s -> running.add(s.whenRunning()));
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error != null) {
                ready.completeExceptionally(error);
            } else {
                // Records can only be processed from now on: a backlog that waited through start-up is not a stall.
                progressNanos = System.nanoTime();
                log.info("event=pipeline_ready application_id={} ready_ms={}", config.applicationId(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createdNanos));
                ready.complete(null);
            }
        });
        if (config.metricsPort() < 0) {
            return; // no /health to answer: the ready signal is all that is needed
        }
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-health");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) probeTimeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) probeTimeout.toMillis());
        admin = Admin.create(props);
        probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "d2v-health-probe");
            t.setDaemon(true);
            return t;
        });
        probe.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes once the pipeline is ready; exceptionally if a streams client fails while starting. */
    CompletableFuture<Void> ready() {
        return ready.copy();
    }

    /** The {@code /health} answer; reads only what is already known, never the cluster. */
    MetricsServer.Health health() {
        Report report = evaluate(System.nanoTime());
        Watched w = watched;
        StringBuilder json = new StringBuilder(256).append("{\"status\":\"").append(report.status())
                .append("\",\"ready\":").append(isReady());
        if (report.status() != Status.UP) {
            json.append(",\"cause\":").append(quote(report.cause())).append(",\"reason\":").append(quote(report.reason()));
        }
        if (w != null) {
            long now = System.nanoTime();
            json.append(",\"embedding\":\"").append(w.embedding().state()).append("\",\"sampling\":\"")
                    .append(w.sampling().map(s -> s.state().name()).orElse("DISABLED")).append('"')
                    .append(String.format(Locale.ROOT, ",\"models\":{\"text\":%d,\"image\":%d,\"audio\":%d}",
                            w.models().current(Modality.TEXT).version(), w.models().current(Modality.IMAGE).version(),
                            w.models().current(Modality.AUDIO).version()))
                    .append(",\"cluster_silent_ms\":").append(millisSince(clusterAnsweredNanos, now))
                    .append(",\"records_waiting\":").append(recordsWaiting)
                    .append(",\"ms_since_progress\":").append(millisSince(progressNanos, now));
        }
        return new MetricsServer.Health(report.status() == Status.UP, json.append('}').toString());
    }

    Report evaluate(long now) {
        Watched w = watched;
        if (w == null) {
            return new Report(Status.STARTING, "starting", phase);
        }
        if (ready.isCompletedExceptionally()) {
            return new Report(Status.DOWN, "streams_failed", "a streams client failed while starting: " + streamStates(w));
        }
        if (!ready.isDone()) {
            return new Report(Status.STARTING, "starting", phase + " (" + streamStates(w) + ")");
        }
        if (STOPPED.contains(w.embedding().state()) || w.sampling().map(s -> STOPPED.contains(s.state())).orElse(false)) {
            return new Report(Status.DOWN, "streams_failed", "a streams client stopped: " + streamStates(w));
        }
        long silentMs = millisSince(clusterAnsweredNanos, now);
        if (silentMs > config.healthClusterTimeout().toMillis()) {
            return new Report(Status.DOWN, "cluster_unreachable", String.format(Locale.ROOT,
                    "no broker of %s answered for %d s (health.cluster.timeout.ms=%d)%s", config.bootstrapServers(),
                    silentMs / 1000, config.healthClusterTimeout().toMillis(),
                    clusterError.isEmpty() ? "" : ": " + clusterError));
        }
        long idleMs = millisSince(progressNanos, now);
        long waiting = recordsWaiting;
        if (waiting > 0 && idleMs > config.healthStallTimeout().toMillis()) {
            return new Report(Status.DOWN, "stalled", String.format(Locale.ROOT,
                    "%d records wait on this instance's input partitions and none was processed for %d s "
                            + "(health.stall.timeout.ms=%d)", waiting, idleMs / 1000, config.healthStallTimeout().toMillis()));
        }
        return Report.UP;
    }

    private boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /** One probe; it never throws, since a scheduled task that throws is never run again. */
    private void probe() {
        Watched w = watched;
        long started = System.nanoTime();
        try {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) probeTimeout.toMillis()))
                        .clusterId().get(probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                clusterAnsweredNanos = System.nanoTime();
                clusterError = "";
            } catch (ExecutionException e) {
                clusterError = e.getCause().toString();
            } catch (TimeoutException e) {
                clusterError = "no answer within " + probeTimeout.toMillis() + " ms";
            }
            if (clusterError.isEmpty()) {
                try {
                    measureProgress(w, started);
                } catch (ExecutionException | TimeoutException e) {
                    // The group coordinator may be moving; the next probe measures again.
                    log.debug("event=health_offsets_unavailable error=\"{}\"", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            log.warn("event=health_probe_failed error=\"{}\"", e.toString(), e);
        }
        long out = w.recordsOut().getAsLong();
        if (out != lastRecordsOut) {
            lastRecordsOut = out;
            progressNanos = started;
        }
        logIfChanged(evaluate(System.nanoTime()));
    }

    /**
     * Records waiting = end offset minus committed offset, summed over the input partitions this
     * instance owns; progress = a committed offset moved forward, or nothing waits. Under
     * exactly-once the offsets commit every 100 ms while records flow; a record buffered for its
     * micro-batch counts as processed (it is in the changelogged buffer).
     */
    private void measureProgress(Watched w, long now) throws InterruptedException, ExecutionException, TimeoutException {
        if (w.embedding().state() != KafkaStreams.State.RUNNING) {
            return; // the assignment is changing: keep the last measurement
        }
        Set<TopicPartition> owned = w.embedding().activePartitions().stream()
                .filter(tp -> inputTopics.contains(tp.topic())).collect(Collectors.toSet());
        if (owned.isEmpty()) {
            recordsWaiting = 0;
            lastCommitted = Map.of();
            progressNanos = now;
            return;
        }
        String group = config.applicationId();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(owned)),
                        new ListConsumerGroupOffsetsOptions().timeoutMs((int) probeTimeout.toMillis()))
                .partitionsToOffsetAndMetadata(group).get(probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(owned, OffsetSpec.latest());
        // A partition with no commit yet waits from its first offset.
        Set<TopicPartition> neverCommitted = owned.stream().filter(tp -> committed.get(tp) == null).collect(Collectors.toSet());
        Map<TopicPartition, ListOffsetsResultInfo> starts = neverCommitted.isEmpty() ? Map.of()
                : offsets(neverCommitted, OffsetSpec.earliest());
        Map<TopicPartition, Long> positions = new HashMap<>();
        long waiting = 0;
        boolean advanced = false;
        for (TopicPartition tp : owned) {
            OffsetAndMetadata c = committed.get(tp);
            long position = c != null ? c.offset() : starts.get(tp).offset();
            positions.put(tp, position);
            waiting += Math.max(0, ends.get(tp).offset() - position);
            Long before = lastCommitted.get(tp);
            advanced |= before != null && position > before;
        }
        lastCommitted = positions;
        recordsWaiting = waiting;
        if (advanced || waiting == 0) {
            progressNanos = now;
        }
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec));
        // read_committed, as the stream threads read: an open transaction's records are not waiting yet.
        return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)
                .timeoutMs((int) probeTimeout.toMillis())).all().get(probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One log line per change of status or cause, once ready. */
    private void logIfChanged(Report report) {
        if (report.status() == Status.STARTING) {
            return;
        }
        String state = report.status() + "/" + report.cause();
        if (state.equals(lastLogged)) {
            return;
        }
        lastLogged = state;
        if (report.status() == Status.DOWN) {
            log.warn("event=health_changed status=DOWN cause={} reason=\"{}\"", report.cause(), report.reason());
        } else {
            log.info("event=health_changed status=UP");
        }
    }

    private static String streamStates(Watched w) {
        return "embedding=" + w.embedding().state() + ", sampling=" + w.sampling().map(s -> s.state().name()).orElse("DISABLED");
    }

    private static long millisSince(long nanos, long now) {
        return TimeUnit.NANOSECONDS.toMillis(now - nanos);
    }

    /** A JSON string: the reason carries exception messages, which may hold quotes or newlines. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.shutdownNow();
        }
        if (admin != null) {
            // Zero: during an outage pending probe requests would otherwise hold up the shutdown.
            admin.close(Duration.ZERO);
        }
    }
}
