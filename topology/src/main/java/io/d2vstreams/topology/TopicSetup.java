package io.d2vstreams.topology;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the product's topics that do not exist yet: {@code d2v.models} and {@code d2v.backfill} are compacted, the image
 * and audio input topics accept records a little larger than their content limits, and the topics
 * whose records are derived from an input record ({@code d2v.dlq}, {@code d2v.training.samples})
 * have room for any input the input topics accept ({@link RecordLimits}). A derived record that a
 * topic refused would fail the task that wrote it. Topics that exist keep their partitions: adding
 * partitions would move keys to other partitions, away from their Kafka Streams state.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * What {@link #ensureTopics} found and did.
     *
     * @param created        topics it created
     * @param keptPartitions topics that existed with another partition count than asked for, and that count
     */
    public record Result(Set<String> created, Map<String, Integer> keptPartitions) {
        public Result {
            created = Set.copyOf(created);
            keptPartitions = Map.copyOf(keptPartitions);
        }
    }

    public static Result ensureTopics(Map<String, Object> clientProperties, Topics topics, RecordLimits limits,
                                      int partitions, short replicationFactor) {
        try (Admin admin = Admin.create(clientProperties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<String, Integer> kept = differingPartitions(admin, topics, existing, partitions);
            List<NewTopic> missing = new ArrayList<>();
            Optional<Short> replication = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
            for (String topic : topics.all()) {
                if (existing.contains(topic)) {
                    continue;
                }
                // d2v.backfill has one partition too: a reader sees swap points and markers in the order written.
                boolean models = topic.equals(topics.models()) || topic.equals(topics.backfill());
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
            Set<String> created = new TreeSet<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                    log.info("event=topic_created topic={}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return new Result(created, kept);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics on " + clientProperties.get("bootstrap.servers")
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The existing product topics (other than the single-partition {@code d2v.models} and {@code d2v.backfill}) whose partition
     * count is not {@code partitions}, each logged: a data directory or cluster set up with fewer
     * partitions keeps them, and with them the most instances that can share the work.
     */
    private static Map<String, Integer> differingPartitions(Admin admin, Topics topics, Set<String> existing,
                                                            int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> ours = topics.all().stream()
                .filter(topic -> existing.contains(topic) && !topic.equals(topics.models())
                        && !topic.equals(topics.backfill())).toList();
        Map<String, Integer> differing = new TreeMap<>();
        if (ours.isEmpty()) {
            return differing;
        }
        for (TopicDescription description : admin.describeTopics(ours).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            int actual = description.partitions().size();
            if (actual != partitions) {
                differing.put(description.name(), actual);
                log.warn("event=topic_partitions_differ topic={} partitions={} configured={} action=kept",
                        description.name(), actual, partitions);
            }
        }
        return differing;
    }

    private static Map<String, String> maxMessageBytes(int bytes) {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes));
    }
}
