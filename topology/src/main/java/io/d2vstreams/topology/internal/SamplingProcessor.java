package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.WireModality;
import io.d2vstreams.topology.SamplingPolicy;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;

/**
 * Turns a sampled share of one modality's events into {@code TrainingSample}s. Bad records
 * are skipped, not dead-lettered: the embedding path already dead-letters each of them once.
 */
public final class SamplingProcessor implements Processor<byte[], byte[], String, TrainingSample> {
    private final Modality modality;
    private final EventDecoder decoder;
    private final IdHashSampler sampler;
    private final TokenBucket bucket;
    private ProcessorContext<String, TrainingSample> context;

    public SamplingProcessor(Modality modality, EventDecoder decoder, SamplingPolicy policy) {
        this.modality = modality;
        this.decoder = decoder;
        this.sampler = new IdHashSampler(policy.rate());
        this.bucket = new TokenBucket(policy.maxPerSecond());
    }

    @Override
    public void init(ProcessorContext<String, TrainingSample> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        if (!(decoder.decode(source.topic(), record.value()) instanceof Decoded.Accepted event)
                || !sampler.keeps(event.id()) || !bucket.tryTake(context.currentSystemTimeMs())) {
            return;
        }
        TrainingSample.Builder sample = TrainingSample.newBuilder()
                .setId(event.id())
                .setModality(WireModality.of(modality))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setEventTimestampMs(event.eventTimestampMs());
        if (modality == Modality.TEXT) {
            sample.setText(new String(event.payload(), StandardCharsets.UTF_8));
        } else {
            sample.setContent(java.nio.ByteBuffer.wrap(event.payload())).setMime(event.mime());
        }
        context.forward(new Record<>(event.id(), sample.build(), record.timestamp()));
    }
}
