package io.d2vstreams.trainer.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The held-out slice: one sample in {@code every}, chosen by a hash of its id so that the choice
 * does not depend on arrival order or on which process reads it, is set aside and never trained
 * on. The first {@code size} such samples are kept (later ones are dropped, still untrained), so
 * every candidate is judged on the same inputs. The hash is salted and mixed, unlike the sampling
 * topology's murmur2 threshold, so the two selections are independent.
 *
 * @param <I> one input (a text, an encoded image)
 */
public final class HeldOutSet<I> {

    /** How an input travels in a checkpoint, which is JSON text. */
    public interface Codec<I> {
        /** Texts as they are. */
        Codec<String> TEXT = new Codec<>() {
            @Override
            public String encode(String input) {
                return input;
            }

            @Override
            public String decode(String encoded) {
                return encoded;
            }
        };

        /** Encoded media as base64 (a third larger than the bytes). */
        Codec<byte[]> BYTES = new Codec<>() {
            @Override
            public String encode(byte[] input) {
                return Base64.getEncoder().encodeToString(input);
            }

            @Override
            public byte[] decode(String encoded) {
                return Base64.getDecoder().decode(encoded);
            }
        };

        String encode(I input);

        /** @throws IllegalArgumentException when {@code encoded} is not this codec's */
        I decode(String encoded);
    }

    private static final long SALT = 0x6865_6c64_6f75_74L; // "heldout"
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int every;
    private final int size;
    private final Codec<I> codec;
    private final Map<String, I> inputById = new LinkedHashMap<>();

    public HeldOutSet(int every, int size, Codec<I> codec) {
        if (every < 2 || size < 1) {
            throw new IllegalArgumentException("held out: every must be >= 2 and size >= 1, got " + every + " and " + size);
        }
        this.every = every;
        this.size = size;
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** A held-out set of texts. */
    public static HeldOutSet<String> ofTexts(int every, int size) {
        return new HeldOutSet<>(every, size, Codec.TEXT);
    }

    /** Whether the sample with this id belongs to the held-out slice (whether or not it is kept). */
    public boolean isHeldOut(String id) {
        long h = Seeds.mix(SALT ^ Seeds.mix(fnv1a(id)));
        return Math.floorMod(h, (long) every) == 0;
    }

    /** Keeps the input if there is room and the id is new; returns whether it was kept. */
    public boolean offer(String id, I input) {
        if (inputById.size() >= size || inputById.containsKey(id)) {
            return false;
        }
        inputById.put(id, input);
        return true;
    }

    public int count() {
        return inputById.size();
    }

    /** The kept inputs, oldest first. */
    public List<I> inputs() {
        return List.copyOf(inputById.values());
    }

    /** The kept samples as JSON ({@code [[id, encoded input], ...]}), to travel in a checkpoint. */
    public String toJson() {
        List<List<String>> pairs = new ArrayList<>();
        inputById.forEach((id, input) -> pairs.add(List.of(id, codec.encode(input))));
        try {
            return JSON.writeValueAsString(pairs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings always serialise", e);
        }
    }

    /** Restores samples written by {@link #toJson}; duplicates and overflow are ignored. */
    public void restore(String json) {
        List<List<String>> pairs;
        try {
            pairs = JSON.readValue(json, new TypeReference<List<List<String>>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("held-out samples in the checkpoint are not valid JSON: " + e.getMessage(), e);
        }
        for (List<String> pair : pairs) {
            if (pair.size() == 2) {
                offer(pair.get(0), codec.decode(pair.get(1)));
            }
        }
    }

    private static long fnv1a(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
