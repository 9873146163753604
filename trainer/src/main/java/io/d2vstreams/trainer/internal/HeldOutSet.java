package io.d2vstreams.trainer.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The held-out slice: one sample in {@code every}, chosen by a hash of its id so that the choice
 * does not depend on arrival order or on which process reads it, is set aside and never trained
 * on. The first {@code size} such samples are kept (later ones are dropped, still untrained), so
 * every candidate is judged on the same texts. The hash is salted and mixed, unlike the sampling
 * topology's murmur2 threshold, so the two selections are independent.
 */
public final class HeldOutSet {

    private static final long SALT = 0x6865_6c64_6f75_74L; // "heldout"
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int every;
    private final int size;
    private final Map<String, String> textById = new LinkedHashMap<>();

    public HeldOutSet(int every, int size) {
        if (every < 2 || size < 1) {
            throw new IllegalArgumentException("held out: every must be >= 2 and size >= 1, got " + every + " and " + size);
        }
        this.every = every;
        this.size = size;
    }

    /** Whether the sample with this id belongs to the held-out slice (whether or not it is kept). */
    public boolean isHeldOut(String id) {
        long h = Seeds.mix(SALT ^ Seeds.mix(fnv1a(id)));
        return Math.floorMod(h, (long) every) == 0;
    }

    /** Keeps the text if there is room and the id is new; returns whether it was kept. */
    public boolean offer(String id, String text) {
        if (textById.size() >= size || textById.containsKey(id)) {
            return false;
        }
        textById.put(id, text);
        return true;
    }

    public int count() {
        return textById.size();
    }

    public List<String> texts() {
        return List.copyOf(textById.values());
    }

    /** The kept samples as JSON ({@code [[id, text], ...]}), to travel in a checkpoint. */
    public String toJson() {
        List<List<String>> pairs = new ArrayList<>();
        textById.forEach((id, text) -> pairs.add(List.of(id, text)));
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
                offer(pair.get(0), pair.get(1));
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
