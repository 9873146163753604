package io.d2vstreams.trainer.loop;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.trainer.CheckpointInfo;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.internal.HeldOutSet;
import io.d2vstreams.trainer.internal.ReplayBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop's checkpoints with what resuming needs beside the model, in the checkpoint's
 * {@code extra}: per partition the offset of the oldest sample not yet trained on, the held-out
 * set, the version the weights descend from, and the step of the last export. Each checkpoint is
 * followed by the commit of the same offsets to the loop's consumer group.
 */
final class LoopCheckpoints {

    /** Keys of the checkpoint's {@code extra} map. */
    static final String OFFSET_KEY_PREFIX = "offset.";
    static final String HELD_OUT_KEY = "heldout";
    static final String LINEAGE_KEY = "lineage.version";
    static final String EXPORT_STEP_KEY = "export.step";

    private static final Logger LOG = LoggerFactory.getLogger(LoopCheckpoints.class);

    /**
     * Where a restore left the loop.
     *
     * @param step the trainer's step count, 0 on a fresh start
     * @param lineage the version the weights descend from
     * @param exportStep the step of the last export
     */
    record Resumed(long step, int lineage, long exportStep) {}

    private final Modality kind;
    private final String samplesTopic;
    private final String groupId;
    private final ModalityCheckpoints folder;
    private final HeldOutSet<?> heldOut;
    private final ResumeOffsets offsets;
    private final ReplayBuffer<?> buffer;
    private final Duration clientTimeout;

    LoopCheckpoints(Modality kind, String samplesTopic, String groupId, ModalityCheckpoints folder,
            HeldOutSet<?> heldOut, ResumeOffsets offsets, ReplayBuffer<?> buffer, Duration clientTimeout) {
        this.kind = kind;
        this.samplesTopic = samplesTopic;
        this.groupId = groupId;
        this.folder = folder;
        this.heldOut = heldOut;
        this.offsets = offsets;
        this.buffer = buffer;
        this.clientTimeout = clientTimeout;
    }

    /** Restores the newest checkpoint into {@code trainer}, its offsets and its held-out set. */
    Resumed restore(Data2VecTrainer<?> trainer, ModelManifest base) {
        Optional<CheckpointInfo> restored = folder.restoreNewest(trainer);
        if (restored.isEmpty()) {
            LOG.info("event=trainer_fresh_start modality={} base_version={} checkpoint_dir={}", kind, base.version(),
                    folder.folder());
            return new Resumed(0, base.version(), 0);
        }
        Map<String, String> extra = restored.get().extra();
        Map<Integer, Long> resumeAt = new HashMap<>();
        String prefix = OFFSET_KEY_PREFIX + samplesTopic + ".";
        extra.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                resumeAt.put(Integer.parseInt(key.substring(prefix.length())), Long.parseLong(value));
            }
        });
        offsets.restore(resumeAt);
        Optional.ofNullable(extra.get(HELD_OUT_KEY)).ifPresent(heldOut::restore);
        int lineage = Optional.ofNullable(extra.get(LINEAGE_KEY)).map(Integer::parseInt).orElse(base.version());
        long step = trainer.completedSteps();
        long exportStep = Optional.ofNullable(extra.get(EXPORT_STEP_KEY)).map(Long::parseLong).orElse(step);
        LOG.info("event=trainer_resumed modality={} step={} checkpoint={} offsets={} heldout={} lineage_version={}",
                kind, step, restored.get().directory(), new TreeMap<>(resumeAt), heldOut.count(), lineage);
        return new Resumed(step, lineage, exportStep);
    }

    /** Writes a checkpoint whose extra holds the resume offsets, then commits those offsets to the group. */
    void write(Data2VecTrainer<?> trainer, KafkaConsumer<?, ?> consumer, long step, int lineage, long exportStep) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        Map<String, String> extra = new HashMap<>();
        Map<Integer, Long> resumeAt = offsets.known();
        for (TopicPartition tp : consumer.assignment()) {
            long offset = buffer.resumeOffset(tp.partition(), ignoringWakeup(() -> consumer.position(tp, clientTimeout)));
            resumeAt.put(tp.partition(), offset);
            commit.put(tp, new OffsetAndMetadata(offset));
        }
        resumeAt.forEach((p, o) -> extra.put(OFFSET_KEY_PREFIX + samplesTopic + "." + p, Long.toString(o)));
        extra.put(HELD_OUT_KEY, heldOut.toJson());
        extra.put(LINEAGE_KEY, Integer.toString(lineage));
        extra.put(EXPORT_STEP_KEY, Long.toString(exportStep));
        trainer.checkpoint(folder.folder(), extra);
        if (!commit.isEmpty()) {
            ignoringWakeup(() -> {
                consumer.commitSync(commit, clientTimeout);
                return null;
            });
        }
        LOG.info("event=offsets_committed modality={} group={} step={} offsets={}", kind, groupId, step, resumeAt);
    }

    /**
     * Runs a consumer call that must complete: a wakeup from the loop's stop is pending until the
     * next blocking call, whichever it is, and fires only once, so one retry suffices. The stop
     * itself is seen by the loop's {@code running} check.
     */
    private static <T> T ignoringWakeup(Supplier<T> call) {
        try {
            return call.get();
        } catch (WakeupException e) {
            return call.get();
        }
    }
}
