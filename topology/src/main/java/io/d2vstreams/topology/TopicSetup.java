package io.d2vstreams.topology;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the product's topics that do not exist yet: {@code d2v.models} is compacted, and the
 * topics whose records are derived from an input record are created with room for more than
 * any input the input topics accept.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    /**
     * {@code max.message.bytes} of {@code d2v.dlq} and {@code d2v.training.samples}: twice the
     * broker's default limit (1 MiB + 12 bytes). A dead letter is its input's bytes plus the reason
     * headers, and a training sample its input's content plus its source position, so either can be
     * a few hundred bytes larger than an input that just fit its topic; a topic with the same limit
     * would refuse it, and a dead letter that cannot be written stops the pipeline.
     */
    static final int DERIVED_TOPIC_MAX_MESSAGE_BYTES = 2 * 1_048_588;

    private TopicSetup() {
    }

    public static void ensureTopics(Map<String, Object> clientProperties, Topics topics, int partitions,
                                    short replicationFactor) {
        try (Admin admin = Admin.create(clientProperties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            Optional<Short> replication = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
            for (String topic : topics.all()) {
                if (existing.contains(topic)) {
                    continue;
                }
                boolean models = topic.equals(topics.models());
                NewTopic newTopic = new NewTopic(topic, Optional.of(models ? 1 : partitions), replication);
                if (models) {
                    newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                } else if (topic.equals(topics.deadLetters()) || topic.equals(topics.trainingSamples())) {
                    newTopic.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            Integer.toString(DERIVED_TOPIC_MAX_MESSAGE_BYTES)));
                }
                missing.add(newTopic);
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    log.info("event=topic_created topic={}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics on " + clientProperties.get("bootstrap.servers")
                    + ": " + e.getMessage(), e);
        }
    }
}
