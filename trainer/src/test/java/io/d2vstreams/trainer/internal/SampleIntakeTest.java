package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.schemas.DecodeFailure;
import io.d2vstreams.schemas.RecordDecodeException;
import io.d2vstreams.schemas.RegistryUnavailableException;
import io.d2vstreams.trainer.TrainingModality;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SampleIntake: records into the buffer and the held-out slice, rewound on a registry outage")
class SampleIntakeTest {

    private static final String TOPIC = "d2v.training.samples";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final ReplayBuffer<String> buffer = new ReplayBuffer<>(100, 0.5);
    private final HeldOutSet<String> heldOut = HeldOutSet.ofTexts(4, 100);
    private final Map<Integer, Long> nextOffset = new HashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicBoolean registryDown = new AtomicBoolean();

    /** Values are "<modality>|<id>|<text>"; "bad" cannot be decoded; p0@2 needs the registry. */
    private final SampleIntake<String> intake = new SampleIntake<>((topic, value) -> {
        String v = new String(value, StandardCharsets.UTF_8);
        if (v.equals("bad")) {
            throw new RecordDecodeException(DecodeFailure.values()[0], topic, null, "not Avro", null);
        }
        String[] f = v.split("\\|", 3);
        if (f[1].equals("p0-2") && registryDown.get()) {
            throw new RegistryUnavailableException("registry down", null);
        }
        return TrainingSample.newBuilder().setId(f[1]).setModality(Modality.valueOf(f[0])).setText(f[2])
                .setSourceTopic("d2v.events.text").setSourcePartition(0).setSourceOffset(0).build();
    }, TrainingModality.TEXT::inputOf, buffer, heldOut, nextOffset, Duration.ofSeconds(1), clock::get);

    @Test
    @DisplayName("a registry outage rewinds to the record that needed it and pauses; read again, every sample counts once")
    void outageRewinds() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        addRecords();
        registryDown.set(true);
        ConsumerRecords<String, byte[]> first = consumer.poll(Duration.ZERO);
        List<TopicPartition> order = new ArrayList<>(first.partitions());

        assertThat(intake.acceptAll(consumer, first)).as("stopped at the outage").isFalse();
        assertThat(consumer.position(P0)).as("p0 rewound to the record that needed the registry").isEqualTo(2);
        if (order.get(0).equals(P1)) {
            assertThat(consumer.position(P1)).as("p1 was taken before p0").isEqualTo(3);
        } else {
            assertThat(consumer.position(P1)).as("p1 comes after p0: rewound to its first record").isZero();
        }
        assertThat(nextOffset.get(0)).as("p0 taken up to the outage").isEqualTo(2L);
        assertThat(intake.shouldPause()).as("fetching pauses").isTrue();
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(intake.shouldPause()).as("after the back-off").isFalse();

        // The registry is back; the broker delivers from the rewound positions again.
        registryDown.set(false);
        redeliverFromPositions();
        assertThat(intake.acceptAll(consumer, consumer.poll(Duration.ZERO))).isTrue();
        assertThat(intake.samplesRead()).as("each of the 8 samples read once").isEqualTo(8);
        assertThat(buffer.freshCount() + heldOut.count()).as("buffered or held out, once each").isEqualTo(8);
        assertThat(nextOffset).containsEntry(0, 5L).containsEntry(1, 3L);
    }

    @Test
    @DisplayName("skips an undecodable record and non-TEXT or empty samples, and holds out the hashed slice")
    void skipsAndHoldsOut() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        int offset = 0;
        consumer.addRecord(record(P0, offset++, "bad"));
        consumer.addRecord(record(P0, offset++, "IMAGE|img|"));
        consumer.addRecord(record(P0, offset++, "TEXT|blank| "));
        for (int i = 0; i < 200; i++) {
            consumer.addRecord(record(P0, offset++, "TEXT|t" + i + "|text " + i));
        }
        assertThat(intake.acceptAll(consumer, consumer.poll(Duration.ZERO))).isTrue();
        assertThat(intake.skipped()).as("undecodable").isEqualTo(1);
        assertThat(intake.samplesRead()).as("TEXT samples with text").isEqualTo(200);
        assertThat(heldOut.count()).as("about one in four held out").isBetween(30, 70);
        assertThat(buffer.freshCount()).as("the rest buffered").isEqualTo(200 - heldOut.count());
        assertThat(nextOffset).as("past the skipped ones too").containsEntry(0, (long) offset);
    }

    @Test
    @DisplayName("an IMAGE intake takes the content bytes of IMAGE samples and reads past TEXT samples and empty images")
    void imageIntakeTakesContent() {
        ReplayBuffer<byte[]> images = new ReplayBuffer<>(100, 0.5);
        HeldOutSet<byte[]> heldOutImages = new HeldOutSet<>(4, 100, HeldOutSet.Codec.BYTES);
        Map<Integer, Long> offsets = new HashMap<>();
        // Values are "<modality>|<id>|<content>": an IMAGE sample carries its content, a TEXT one its text.
        SampleIntake<byte[]> imageIntake = new SampleIntake<>((topic, value) -> {
            String[] f = new String(value, StandardCharsets.UTF_8).split("\\|", 3);
            TrainingSample.Builder b = TrainingSample.newBuilder().setId(f[1]).setModality(Modality.valueOf(f[0]))
                    .setSourceTopic("d2v.events." + f[0].toLowerCase(java.util.Locale.ROOT)).setSourcePartition(0)
                    .setSourceOffset(0);
            return f[0].equals("TEXT") ? b.setText(f[2]).build()
                    : b.setContent(java.nio.ByteBuffer.wrap(f[2].getBytes(StandardCharsets.UTF_8))).build();
        }, TrainingModality.IMAGE::inputOf, images, heldOutImages, offsets, Duration.ofSeconds(1), clock::get);
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        int offset = 0;
        consumer.addRecord(record(P0, offset++, "TEXT|t|a text"));
        consumer.addRecord(record(P0, offset++, "IMAGE|empty|"));
        for (int i = 0; i < 40; i++) {
            consumer.addRecord(record(P0, offset++, "IMAGE|i" + i + "|png bytes " + i));
        }
        assertThat(imageIntake.acceptAll(consumer, consumer.poll(Duration.ZERO))).isTrue();
        assertThat(imageIntake.samplesRead()).as("IMAGE samples with content").isEqualTo(40);
        assertThat(images.freshCount() + heldOutImages.count()).as("buffered or held out").isEqualTo(40);
        assertThat(heldOutImages.count()).as("some held out").isPositive();
        List<String> contents = new ArrayList<>();
        images.next(images.freshCount(), new java.util.SplittableRandom(1)).orElseThrow().inputs()
                .forEach(bytes -> contents.add(new String(bytes, StandardCharsets.UTF_8)));
        heldOutImages.inputs().forEach(bytes -> contents.add(new String(bytes, StandardCharsets.UTF_8)));
        assertThat(contents).as("the content bytes, not the text").allMatch(c -> c.startsWith("png bytes "));
        assertThat(offsets).as("past the other modality's sample too").containsEntry(0, (long) offset);
    }

    @Test
    @DisplayName("an input the trainer cannot use is counted and set aside: neither buffered nor held out, offsets past it")
    void unusableSetAside() {
        SampleIntake<String> screened = new SampleIntake<>((topic, value) -> {
            String[] f = new String(value, StandardCharsets.UTF_8).split("\\|", 3);
            return TrainingSample.newBuilder().setId(f[1]).setModality(Modality.valueOf(f[0])).setText(f[2])
                    .setSourceTopic("d2v.events.text").setSourcePartition(0).setSourceOffset(0).build();
        }, TrainingModality.TEXT::inputOf, text -> text.startsWith("corrupt") ? Optional.of("corrupt") : Optional.empty(),
                buffer, heldOut, nextOffset, Duration.ofSeconds(1), clock::get);
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        int offset = 0;
        for (int i = 0; i < 40; i++) {
            consumer.addRecord(record(P0, offset++, "TEXT|t" + i + "|" + (i % 4 == 0 ? "corrupt " : "fine ") + i));
        }
        assertThat(screened.acceptAll(consumer, consumer.poll(Duration.ZERO))).isTrue();
        assertThat(screened.samplesRead()).as("every TEXT sample read").isEqualTo(40);
        assertThat(screened.unusable()).as("the corrupt ones set aside").isEqualTo(10);
        assertThat(buffer.freshCount() + heldOut.count()).as("only usable ones buffered or held out").isEqualTo(30);
        assertThat(heldOut.inputs()).as("no corrupt input held out").noneMatch(t -> t.startsWith("corrupt"));
        assertThat(nextOffset).as("past the set-aside ones too").containsEntry(0, (long) offset);
    }

    private void addRecords() {
        for (int i = 0; i < 5; i++) {
            consumer.addRecord(record(P0, i, "TEXT|p0-" + i + "|zero " + i));
        }
        for (int i = 0; i < 3; i++) {
            consumer.addRecord(record(P1, i, "TEXT|p1-" + i + "|one " + i));
        }
    }

    private void redeliverFromPositions() {
        for (int i = (int) consumer.position(P0); i < 5; i++) {
            consumer.addRecord(record(P0, i, "TEXT|p0-" + i + "|zero " + i));
        }
        for (int i = (int) consumer.position(P1); i < 3; i++) {
            consumer.addRecord(record(P1, i, "TEXT|p1-" + i + "|one " + i));
        }
    }

    private static ConsumerRecord<String, byte[]> record(TopicPartition tp, long offset, String value) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "k", value.getBytes(StandardCharsets.UTF_8));
    }
}
