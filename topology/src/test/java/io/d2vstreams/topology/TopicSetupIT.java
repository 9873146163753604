package io.d2vstreams.topology;

import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Topic set-up at start-up, on a real broker")
class TopicSetupIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();

    @TempDir
    Path dir;

    @Test
    @DisplayName("creates missing topics with topic.partitions, keeps an existing topic's own count and reports it")
    void keepsExistingPartitions() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir).kafkaPort(0).registryPort(0).build());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            // A data directory from a version that created the input topics with one partition.
            String old = TOPICS.events(Modality.TEXT);
            admin.createTopics(List.of(new NewTopic(old, Optional.of(1), Optional.empty()))).all().get(30, TimeUnit.SECONDS);

            Map<String, Object> client = Map.of("bootstrap.servers", stack.bootstrapServers());
            RecordLimits limits = RecordLimits.of(PipelineConfig.defaults());
            TopicSetup.Result result = TopicSetup.ensureTopics(client, TOPICS, limits, 3, (short) -1);

            Map<String, Integer> partitions = admin.describeTopics(TOPICS.all()).allTopicNames().get(30, TimeUnit.SECONDS)
                    .values().stream().collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
            assertThat(partitions).as("partitions per topic").containsEntry(old, 1)
                    .containsEntry(TOPICS.events(Modality.IMAGE), 3).containsEntry(TOPICS.embeddings(Modality.TEXT), 3)
                    .containsEntry(TOPICS.deadLetters(), 3).containsEntry(TOPICS.models(), 1);
            assertThat(result.keptPartitions()).as("the existing topic, reported with the count it kept")
                    .isEqualTo(Map.of(old, 1));
            assertThat(result.created()).as("every other topic was created").hasSize(TOPICS.all().size() - 1)
                    .doesNotContain(old);

            assertThat(TopicSetup.ensureTopics(client, TOPICS, limits, 3, (short) -1))
                    .as("a second start creates nothing and reports the same difference")
                    .isEqualTo(new TopicSetup.Result(Set.of(), Map.of(old, 1)));
        }
    }
}
