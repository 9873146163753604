package io.d2vstreams.runtime.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The safetensors reader")
class SafetensorsFileTest {

    @TempDir
    Path dir;

    private SafetensorsWriter sample() {
        return new SafetensorsWriter()
                .f32("a", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f})
                .i64("position_ids", new long[] {1, 4}, 0, 1, 2, 3)
                .f32("b", new long[] {2}, new float[] {0.25f, 7});
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("model.safetensors"), bytes);
    }

    @Test
    @DisplayName("reads F32 tensors with their shapes, and the metadata")
    void readsF32() throws IOException {
        Path file = sample().metadata(Map.of("format", "pt")).writeTo(dir.resolve("m.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.entries().keySet()).as("names in header order").containsExactly("a", "position_ids", "b");
            assertThat(f.entries().get("a").shape()).as("shape of a").containsExactly(2, 3);
            assertThat(f.readFloats("a")).as("values of a").containsExactly(1, 2, 3, 4, 5, -6.5f);
            assertThat(f.readFloats("b")).as("values of b").containsExactly(0.25f, 7);
            assertThat(f.metadata()).as("metadata").containsEntry("format", "pt");
        }
    }

    @Test
    @DisplayName("widens F16 and BF16 exactly, subnormals, infinities and NaN included")
    void widensHalfTypes() throws IOException {
        Path file = new SafetensorsWriter()
                .bits16("half", "F16", new long[] {8}, 0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x7E00)
                .bits16("brain", "BF16", new long[] {4}, 0x3F80, 0xC000, 0x3E20, 0xFF80)
                .writeTo(dir.resolve("half.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] half = f.readFloats("half");
            assertThat(Arrays.copyOf(half, 7)).as("F16 values")
                    .containsExactly(1f, -2f, 0.5f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY);
            assertThat(Float.floatToRawIntBits(half[5])).as("F16 negative zero keeps its sign").isEqualTo(0x8000_0000);
            assertThat(half[7]).as("F16 NaN").isNaN();
            assertThat(f.readFloats("brain")).as("BF16 values").containsExactly(1f, -2f, 0.15625f, Float.NEGATIVE_INFINITY);
        }
    }

    @Test
    @DisplayName("refuses to read an integer tensor as weights, naming it and its dtype")
    void refusesIntegerTensor() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(sample().writeTo(dir.resolve("m.safetensors")))) {
            assertThatThrownBy(() -> f.readFloats("position_ids"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'position_ids'").hasMessageContaining("I64")
                    .hasMessageContaining("only F32, F16 and BF16");
        }
    }

    @Test
    @DisplayName("refuses a truncated file, naming the tensor whose bytes are gone")
    void truncated() throws IOException {
        byte[] whole = sample().toBytes();
        Path file = write(Arrays.copyOf(whole, whole.length - 5));
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("'b'").hasMessageContaining("outside the")
                .hasMessageContaining("truncated file");
    }

    @Test
    @DisplayName("refuses a header length longer than the file")
    void headerLongerThanFile() throws IOException {
        byte[] bytes = sample().toBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bytes.length);
        Path file = write(bytes);
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("header length says");
    }

    @Test
    @DisplayName("refuses an absurd header length before allocating it")
    void absurdHeaderLength() throws IOException {
        byte[] bytes = sample().toBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        Path file = write(bytes);
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("not a safetensors file");
    }

    @Test
    @DisplayName("refuses data_offsets past the end of the data, and offsets that disagree with the shape")
    void lyingOffsets() throws IOException {
        SafetensorsWriter pastEnd = sample();
        entry(pastEnd, "b").put("data_offsets", List.of(128L, 4096L));
        Path file = write(SafetensorsWriter.assemble(SafetensorsWriter.toJson(pastEnd.header()), pastEnd.data()));
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("'b'").hasMessageContaining("[128, 4096]");

        SafetensorsWriter wrongSpan = sample();
        entry(wrongSpan, "a").put("shape", List.of(3, 3));
        Path file2 = write(SafetensorsWriter.assemble(SafetensorsWriter.toJson(wrongSpan.header()), wrongSpan.data()));
        assertThatThrownBy(() -> SafetensorsFile.open(file2))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("'a' is F32 [3, 3] = 36 bytes").hasMessageContaining("span 24");
    }

    @Test
    @DisplayName("refuses two tensors that share bytes")
    void overlap() throws IOException {
        SafetensorsWriter w = sample();
        entry(w, "b").put("data_offsets", List.of(16L, 24L));
        Path file = write(SafetensorsWriter.assemble(SafetensorsWriter.toJson(w.header()), w.data()));
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("overlap");
    }

    @Test
    @DisplayName("refuses a header that is not JSON, or that repeats a name")
    void badJson() throws IOException {
        Path notJson = write(SafetensorsWriter.assemble("{\"a\": [", new byte[0]));
        assertThatThrownBy(() -> SafetensorsFile.open(notJson))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("not valid JSON");

        String twice = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        Path duplicate = write(SafetensorsWriter.assemble(twice, new byte[8]));
        assertThatThrownBy(() -> SafetensorsFile.open(duplicate))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("Duplicate field 'a'");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(SafetensorsWriter w, String name) {
        return (Map<String, Object>) w.header().get(name);
    }
}
