package io.d2vstreams.cli.bench;

import io.d2vstreams.runtime.bench.BenchResult;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the pipeline's stream threads spend their wall-clock time, from Kafka Streams' own thread
 * metrics (KIP-444, read over JMX in this process): the share of time processing records (decode,
 * buffer, and the encoder run when a batch fills in {@code process}), punctuating (batches flushed
 * by their wait limit), polling and committing (flush, offsets, transaction commit), and the
 * average commit's latency. What is left of 1 is the thread's own bookkeeping. Kafka Streams
 * averages the ratios over its metrics window (two 30 s samples by default), so a bench round
 * shorter than that is measured whole. The CPU split ({@link CpuSplit}) says what the cores did;
 * this says what the one thread that feeds the encoder waited on.
 */
public final class StreamThreadTime {
    private static final String COMMIT_LATENCY = "commit-latency-avg";
    private static final List<String> ATTRIBUTES = List.of("process-ratio", "punctuate-ratio", "poll-ratio", "commit-ratio",
            COMMIT_LATENCY);

    private StreamThreadTime() {
    }

    /**
     * The ratios and commit latency (ms) of the stream threads of {@code applicationId}'s
     * embedding app, averaged over its threads; empty when none is registered.
     */
    public static Map<String, Double> of(String applicationId) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> threads;
        try {
            threads = server.queryNames(new ObjectName("kafka.streams:type=stream-thread-metrics,thread-id=*"), null);
        } catch (JMException e) {
            throw new IllegalStateException("cannot query Kafka Streams' thread metrics", e);
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        int counted = 0;
        for (ObjectName thread : threads) {
            if (!isEmbeddingThread(thread.getKeyProperty("thread-id"), applicationId)) {
                continue;
            }
            counted++;
            for (String attribute : ATTRIBUTES) {
                sums.merge(key(attribute), read(server, thread, attribute), Double::sum);
            }
        }
        if (counted == 0) {
            return Map.of();
        }
        Map<String, Double> averages = new LinkedHashMap<>();
        int threadCount = counted;
        sums.forEach((k, v) -> averages.put(k, BenchResult.round(v / threadCount)));
        return averages;
    }

    /** The embedding app's threads are {@code <app>-<uuid>-StreamThread-<n>}; the sampler's app is {@code <app>-sampler}. */
    static boolean isEmbeddingThread(String threadId, String applicationId) {
        return threadId != null && threadId.startsWith(applicationId + "-") && threadId.contains("-StreamThread-")
                && !threadId.startsWith(applicationId + "-sampler-");
    }

    /** {@code process-ratio} → {@code process}, {@code commit-latency-avg} → {@code commit_latency_ms}. */
    static String key(String attribute) {
        return attribute.equals(COMMIT_LATENCY) ? "commit_latency_ms" : attribute.substring(0, attribute.indexOf("-ratio"));
    }

    private static double read(MBeanServer server, ObjectName thread, String attribute) {
        try {
            Object value = server.getAttribute(thread, attribute);
            double v = value instanceof Number n ? n.doubleValue() : Double.NaN;
            return Double.isFinite(v) ? v : 0;
        } catch (JMException e) {
            return 0; // a thread that ended since it was listed
        }
    }
}
