package io.d2vstreams.trainer.internal;

import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.schemas.RecordDecodeException;
import io.d2vstreams.schemas.RegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes polled sample records into one modality's trainer: decodes each, keeps the samples that
 * carry an input of that modality (text for TEXT, content for IMAGE), sets the held-out slice
 * aside and buffers the rest; samples of other modalities are read past, since every modality's
 * loop reads the whole topic in its own consumer group. A record that cannot be decoded is
 * skipped with a WARN (a bad record teaches nothing, and the sampling topology already
 * dead-lettered bad events). An input the trainer could not preprocess (a corrupt audio clip,
 * which the sampler passes on as bytes) is counted and set aside with a WARN too, before it
 * reaches the replay buffer or the held-out set, where it would be drawn again and again. A
 * registry that cannot be reached is different: the record is not
 * skipped; its partition is rewound to it, every partition not yet taken to its first polled
 * record, and fetching pauses for a while before they are read again, so an outage loses no
 * sample. Single-threaded, on the trainer loop's thread.
 */
public final class SampleIntake<I> {

    /** Decodes one record value (the schemas module's Avro deserializer in production). */
    @FunctionalInterface
    public interface Decoder {
        TrainingSample decode(String topic, byte[] value);
    }

    /** The input a sample carries for this intake's modality, empty for other modalities and empty inputs. */
    @FunctionalInterface
    public interface InputOf<I> {
        Optional<I> inputOf(TrainingSample sample);
    }

    /** Why the trainer could not use an input, empty when it can (see {@code Data2VecTrainer.rejectReason}). */
    @FunctionalInterface
    public interface Screen<I> {
        Optional<String> rejectReason(I input);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SampleIntake.class);

    private final Decoder decoder;
    private final InputOf<I> inputOf;
    private final Screen<I> screen;
    private final ReplayBuffer<I> buffer;
    private final HeldOutSet<I> heldOut;
    private final Map<Integer, Long> nextOffset;
    private final Duration backoff;
    private final LongSupplier nanoClock;
    private long pausedUntilNanos;
    private long samplesRead;
    private long skipped;
    private long unusable;

    /**
     * @param nextOffset per partition, the offset after the last record taken (written here, read by the rebalance listener)
     * @param backoff how long fetching pauses after the registry could not be reached
     */
    public SampleIntake(Decoder decoder, InputOf<I> inputOf, ReplayBuffer<I> buffer, HeldOutSet<I> heldOut,
            Map<Integer, Long> nextOffset, Duration backoff, LongSupplier nanoClock) {
        this(decoder, inputOf, input -> Optional.empty(), buffer, heldOut, nextOffset, backoff, nanoClock);
    }

    /**
     * @param screen sets aside inputs the trainer cannot use
     * @param nextOffset per partition, the offset after the last record taken (written here, read by the rebalance listener)
     * @param backoff how long fetching pauses after the registry could not be reached
     */
    public SampleIntake(Decoder decoder, InputOf<I> inputOf, Screen<I> screen, ReplayBuffer<I> buffer,
            HeldOutSet<I> heldOut, Map<Integer, Long> nextOffset, Duration backoff, LongSupplier nanoClock) {
        this.decoder = decoder;
        this.inputOf = inputOf;
        this.screen = screen;
        this.buffer = buffer;
        this.heldOut = heldOut;
        this.nextOffset = nextOffset;
        this.backoff = backoff;
        this.nanoClock = nanoClock;
    }

    /** Whether reading should pause now: the fresh backlog is full, or the registry was unreachable a moment ago. */
    public boolean shouldPause() {
        return buffer.isFull() || nanoClock.getAsLong() < pausedUntilNanos;
    }

    /**
     * Takes the records partition by partition.
     *
     * @return false when it stopped at a registry outage and rewound the consumer
     */
    public boolean acceptAll(Consumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
        List<TopicPartition> partitions = new ArrayList<>(records.partitions());
        for (int p = 0; p < partitions.size(); p++) {
            for (ConsumerRecord<String, byte[]> record : records.records(partitions.get(p))) {
                try {
                    accept(record);
                } catch (RegistryUnavailableException e) {
                    consumer.seek(partitions.get(p), record.offset());
                    for (TopicPartition later : partitions.subList(p + 1, partitions.size())) {
                        consumer.seek(later, records.records(later).get(0).offset());
                    }
                    pausedUntilNanos = nanoClock.getAsLong() + backoff.toNanos();
                    LOG.warn("event=registry_unavailable topic={} partition={} offset={} action=retry retry_in_ms={} "
                            + "reason=\"{}\"", record.topic(), record.partition(), record.offset(), backoff.toMillis(),
                            e.getMessage());
                    return false;
                }
            }
        }
        return true;
    }

    /** Samples of this modality with an input taken so far (held-out ones included). */
    public long samplesRead() {
        return samplesRead;
    }

    /** Samples of this modality set aside because the trainer could not use their input (counted in {@link #samplesRead} too). */
    public long unusable() {
        return unusable;
    }

    /** Records skipped as undecodable. */
    public long skipped() {
        return skipped;
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        TrainingSample sample;
        try {
            sample = decoder.decode(record.topic(), record.value());
        } catch (RecordDecodeException e) {
            skipped++;
            nextOffset.put(record.partition(), record.offset() + 1);
            LOG.warn("event=sample_skipped topic={} partition={} offset={} reason=\"{}\"", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return;
        }
        nextOffset.put(record.partition(), record.offset() + 1);
        // Other modalities have their own loops; a sample without its input teaches nothing.
        Optional<I> input = sample == null ? Optional.empty() : inputOf.inputOf(sample);
        if (input.isEmpty()) {
            return;
        }
        samplesRead++;
        Optional<String> rejected = screen.rejectReason(input.get());
        if (rejected.isPresent()) {
            unusable++;
            LOG.warn("event=sample_unusable topic={} partition={} offset={} id={} reason=\"{}\"", record.topic(),
                    record.partition(), record.offset(), sample.getId(), rejected.get());
            return;
        }
        if (heldOut.isHeldOut(sample.getId())) {
            heldOut.offer(sample.getId(), input.get());
            return;
        }
        buffer.add(new ReplayBuffer.Sample<>(sample.getId(), input.get(), record.partition(), record.offset()));
    }
}
