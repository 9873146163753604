package io.d2vstreams.cli.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("StreamThreadTime: the stream threads' time split, from Kafka Streams' thread metrics over JMX")
class StreamThreadTimeTest {
    private static final String APP = "bench-app-test";
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();

    @AfterEach
    void unregister() throws Exception {
        for (ObjectName name : registered) {
            server.unregisterMBean(name);
        }
    }

    @Test
    @DisplayName("averages the embedding app's threads and leaves out the sampler's and other apps'")
    void averagesTheEmbeddingThreads() throws Exception {
        register(APP + "-1b2c-StreamThread-1", Map.of("process-ratio", 0.6, "punctuate-ratio", 0.1, "poll-ratio", 0.2,
                "commit-ratio", 0.1, "commit-latency-avg", 8.0));
        register(APP + "-1b2c-StreamThread-2", Map.of("process-ratio", 0.4, "punctuate-ratio", 0.3, "poll-ratio", 0.2,
                "commit-ratio", 0.1, "commit-latency-avg", 12.0));
        register(APP + "-sampler-9f8e-StreamThread-1", Map.of("process-ratio", 1.0, "punctuate-ratio", 1.0,
                "poll-ratio", 1.0, "commit-ratio", 1.0, "commit-latency-avg", 1000.0));
        register("other-app-1b2c-StreamThread-1", Map.of("process-ratio", 1.0, "punctuate-ratio", 1.0,
                "poll-ratio", 1.0, "commit-ratio", 1.0, "commit-latency-avg", 1000.0));

        assertThat(StreamThreadTime.of(APP)).containsExactlyEntriesOf(orderedOf(
                "process", 0.5, "punctuate", 0.2, "poll", 0.2, "commit", 0.1, "commit_latency_ms", 10.0));
    }

    @Test
    @DisplayName("empty when the app has no stream thread registered")
    void emptyWithoutThreads() {
        assertThat(StreamThreadTime.of("no-such-app")).isEmpty();
    }

    private static Map<String, Double> orderedOf(Object... keyValues) {
        Map<String, Double> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], (Double) keyValues[i + 1]);
        }
        return map;
    }

    private void register(String threadId, Map<String, Double> values) throws Exception {
        ObjectName name = new ObjectName("kafka.streams:type=stream-thread-metrics,thread-id=" + threadId);
        server.registerMBean(new Attributes(values), name);
        registered.add(name);
    }

    /** An MBean with read-only double attributes, as Kafka's JmxReporter registers a metric group. */
    private record Attributes(Map<String, Double> values) implements DynamicMBean {
        @Override
        public Object getAttribute(String attribute) {
            return values.get(attribute);
        }

        @Override
        public void setAttribute(Attribute attribute) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            AttributeList list = new AttributeList();
            for (String attribute : attributes) {
                list.add(new Attribute(attribute, values.get(attribute)));
            }
            return list;
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object invoke(String actionName, Object[] params, String[] signature) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            return new MBeanInfo(Attributes.class.getName(), "test metrics", null, null, null, null);
        }
    }
}
