package io.d2vstreams.trainer.loop;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.internal.ReplayBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each partition of the samples topic resumes, kept right across rebalances: a newly
 * assigned partition is sought to the offset the checkpoint (or an earlier revocation) names, else
 * starts where the group committed; a revoked partition forgets its fresh samples and remembers
 * the oldest of them, so that, should it come back, they are read again.
 */
final class ResumeOffsets implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeOffsets.class);

    private final KafkaConsumer<?, ?> consumer;
    private final ReplayBuffer<?> buffer;
    private final Modality kind;
    private final String groupId;
    private final Map<Integer, Long> resumeAt = new HashMap<>();
    /** Per partition, the offset after the last sample read; {@code SampleIntake} keeps it. */
    private final Map<Integer, Long> nextOffset = new HashMap<>();

    ResumeOffsets(KafkaConsumer<?, ?> consumer, ReplayBuffer<?> buffer, Modality kind, String groupId) {
        this.consumer = consumer;
        this.buffer = buffer;
        this.kind = kind;
        this.groupId = groupId;
    }

    /** The offsets a restored checkpoint names, by partition. */
    void restore(Map<Integer, Long> offsets) {
        resumeAt.putAll(offsets);
    }

    /** The offsets known now, by partition: those of partitions not held keep their last known value. */
    Map<Integer, Long> known() {
        return new TreeMap<>(resumeAt);
    }

    /** What the intake updates as it reads. */
    Map<Integer, Long> nextOffsets() {
        return nextOffset;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Long offset = resumeAt.get(tp.partition());
            if (offset != null) {
                consumer.seek(tp, offset);
            }
            LOG.info("event=partition_assigned topic={} partition={} offset={} source={} modality={} group={}",
                    tp.topic(), tp.partition(), offset == null ? "committed" : offset,
                    offset == null ? "group" : "checkpoint", kind, groupId);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Long position = nextOffset.get(tp.partition());
            if (position != null) {
                // Should it come back, read again from the oldest sample not yet trained on.
                resumeAt.put(tp.partition(), buffer.resumeOffset(tp.partition(), position));
            }
            buffer.dropFresh(tp.partition());
            LOG.info("event=partition_revoked topic={} partition={} resume_offset={} modality={} group={}", tp.topic(),
                    tp.partition(), resumeAt.get(tp.partition()), kind, groupId);
        }
    }
}
