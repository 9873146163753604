package io.d2vstreams.cli.bench;

import io.d2vstreams.runtime.bench.BenchResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the CPU of one bench run went, by what spends it: per-thread CPU time of this JVM
 * ({@link ThreadMXBean}) between two snapshots, grouped by thread name, and what the process spent
 * beyond all JVM threads (the native part: ONNX Runtime's own intra-op threads, the garbage
 * collector, the JIT compilers), from the process CPU time. The whole stack (broker, registry,
 * pipeline, bench clients) runs in one process in {@code d2v bench pipeline}, so the split shows
 * how the cores are shared. Threads that start and end between the snapshots are missed
 * (counted in no group); the bench's threads live through the timed run.
 */
public final class CpuSplit {

    /** What a thread works for, told from its name (Kafka, Kafka Streams and d2v name their threads). */
    public enum Group {
        /** Kafka Streams stream threads: decode, buffer, encode on the calling thread, forward. */
        STREAM_THREADS("stream_threads"),
        /** The pipeline's clients' own I/O threads: its producers' senders, its consumers' heartbeats. */
        PIPELINE_CLIENTS("pipeline_clients"),
        /** The embedded registry's HTTP threads. */
        REGISTRY("registry"),
        /** The bench itself: its producer and consumer and its main thread (sending, reading, checking). */
        BENCH("bench"),
        /** The in-process broker and any other JVM thread. */
        BROKER_AND_OTHER("broker_and_other"),
        /** Process CPU beyond all JVM threads: ONNX Runtime's native threads, GC, JIT. */
        NATIVE("native_ort_gc_jit");

        private final String key;

        Group(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** The group of a thread named {@code name}, in a process whose pipeline application id is {@code applicationId}. */
    public static Group classify(String name, String applicationId) {
        if (name.startsWith("kafka-producer-network-thread") || name.startsWith("kafka-coordinator-heartbeat-thread")) {
            // "<kind> | <client.id or group.id>": a stream thread's producer is <app>-<uuid>-StreamThread-<n>-producer,
            // its consumers' group is the application id.
            String client = name.substring(name.indexOf('|') + 1).trim();
            boolean pipeline = client.equals(applicationId) || (client.startsWith(applicationId + "-")
                    && client.contains("-StreamThread-"));
            return pipeline ? Group.PIPELINE_CLIENTS : Group.BENCH;
        }
        if (name.startsWith(applicationId + "-") && name.contains("-StreamThread-")) {
            return Group.STREAM_THREADS;
        }
        if (name.startsWith("schema-registry-http")) {
            return Group.REGISTRY;
        }
        if (name.equals("main")) {
            return Group.BENCH;
        }
        return Group.BROKER_AND_OTHER;
    }

    /** CPU times at one moment: per live thread, and of the whole process. */
    public record Snapshot(Map<Long, String> names, Map<Long, Long> threadCpuNanos, long processCpuNanos) {
        public static Snapshot take() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, String> names = new HashMap<>();
            Map<Long, Long> cpu = new HashMap<>();
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue; // ended since the ids were listed
                }
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    names.put(info.getThreadId(), info.getThreadName());
                    cpu.put(info.getThreadId(), nanos);
                }
            }
            return new Snapshot(names, cpu, currentProcessCpuNanos());
        }
    }

    private final Map<Group, Long> nanos;
    private final long processNanos;

    CpuSplit(Map<Group, Long> nanos, long processNanos) {
        this.nanos = new EnumMap<>(nanos);
        this.processNanos = processNanos;
    }

    /** The CPU spent between {@code before} and {@code after}, by group. */
    public static CpuSplit between(Snapshot before, Snapshot after, String applicationId) {
        Map<Group, Long> nanos = new EnumMap<>(Group.class);
        for (Group group : Group.values()) {
            nanos.put(group, 0L);
        }
        long threadsTotal = 0;
        for (Map.Entry<Long, Long> thread : after.threadCpuNanos().entrySet()) {
            long spent = thread.getValue() - before.threadCpuNanos().getOrDefault(thread.getKey(), 0L);
            threadsTotal += spent;
            nanos.merge(classify(after.names().get(thread.getKey()), applicationId), spent, Long::sum);
        }
        long processNanos = after.processCpuNanos() - before.processCpuNanos();
        nanos.put(Group.NATIVE, Math.max(0, processNanos - threadsTotal));
        return new CpuSplit(nanos, processNanos);
    }

    /** CPU microseconds per record, by group, and the process total under {@code "total"}. */
    public Map<String, Double> microsPerRecord(long records) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Group group : Group.values()) {
            out.put(group.key(), BenchResult.round(nanos.get(group) / 1e3 / records));
        }
        out.put("total", BenchResult.round(processNanos / 1e3 / records));
        return out;
    }

    public long nanos(Group group) {
        return nanos.get(group);
    }

    private static long currentProcessCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
