package io.d2vstreams.topology;

import io.d2vstreams.runtime.Modality;
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
 * Creates the product's topics that do not exist yet: {@code d2v.models} is compacted, the image
 * and audio input topics accept records a little larger than their content limits, and the topics
 * whose records are derived from an input record ({@code d2v.dlq}, {@code d2v.training.samples})
 * have room for any input the input topics accept ({@link RecordLimits}). A derived record that a
 * topic refused would fail the task that wrote it.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    public static void ensureTopics(Map<String, Object> clientProperties, Topics topics, RecordLimits limits,
                                    int partitions, short replicationFactor) {
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
                    newTopic.configs(maxMessageBytes(limits.derivedBytes()));
                } else if (topic.equals(topics.events(Modality.IMAGE)) || topic.equals(topics.events(Modality.AUDIO))) {
                    Modality modality = topic.equals(topics.events(Modality.IMAGE)) ? Modality.IMAGE : Modality.AUDIO;
                    newTopic.configs(maxMessageBytes(limits.inputBytes(modality)));
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

    private static Map<String, String> maxMessageBytes(int bytes) {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes));
    }
}
