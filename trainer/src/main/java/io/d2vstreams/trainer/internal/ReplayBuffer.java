package io.d2vstreams.trainer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Training samples between the consumer and the steps. Fresh samples (never trained on) wait in
 * arrival order; once a step has used them they move to a bounded replay store (oldest evicted, so
 * replay follows a drifting stream), from which later batches draw uniformly. Each batch mixes
 * {@code freshFraction} fresh samples with replayed ones, the usual guard against forgetting in
 * continual training; while there is not yet enough to replay, batches are all fresh.
 *
 * <p>It also knows, per partition, the offset of the oldest sample not yet trained on: the
 * offset a restart must resume from so that no sample is lost (see {@link #resumeOffset}).
 * Single-threaded, like the trainer loop that owns it.
 */
public final class ReplayBuffer<I> {

    /** One sample's input (a text, an encoded image) and where it came from. */
    public record Sample<I>(String id, I input, int partition, long offset) {}

    /** A batch to train on; {@code fresh} of its inputs had never been trained on. */
    public record Batch<I>(List<I> inputs, int fresh) {}

    private final int capacity;
    private final double freshFraction;
    private final ArrayDeque<Sample<I>> fresh = new ArrayDeque<>();
    private final ArrayList<Sample<I>> replay = new ArrayList<>();
    private int replayNext;

    /**
     * @param capacity most samples kept for replay; also the fresh backlog at which {@link #isFull} says stop reading
     * @param freshFraction share of each batch taken from fresh samples, in (0, 1]
     */
    public ReplayBuffer(int capacity, double freshFraction) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay capacity must be >= 1, got " + capacity);
        }
        if (!(freshFraction > 0 && freshFraction <= 1)) {
            throw new IllegalArgumentException("fresh fraction must be in (0, 1], got " + freshFraction);
        }
        this.capacity = capacity;
        this.freshFraction = freshFraction;
    }

    public void add(Sample<I> sample) {
        fresh.addLast(sample);
    }

    /** True when the fresh backlog reached the capacity: pause reading until steps drain it. */
    public boolean isFull() {
        return fresh.size() >= capacity;
    }

    public int freshCount() {
        return fresh.size();
    }

    public int replayCount() {
        return replay.size();
    }

    /**
     * The next batch of {@code size} inputs, or empty when there are not enough samples yet: it
     * needs {@code ⌈freshFraction · size⌉} fresh samples, and replayed ones for the rest (fresh
     * ones stand in while the replay store is smaller). The fresh samples taken move to replay.
     */
    public Optional<Batch<I>> next(int size, SplittableRandom random) {
        int freshWanted = Math.max(1, (int) Math.ceil(freshFraction * size));
        int freshTaken = Math.min(fresh.size(), Math.max(freshWanted, size - replay.size()));
        int replayTaken = Math.min(replay.size(), size - freshTaken);
        if (freshTaken < freshWanted || freshTaken + replayTaken < size) {
            return Optional.empty();
        }
        List<I> inputs = new ArrayList<>(size);
        List<Sample<I>> used = new ArrayList<>(freshTaken);
        for (int i = 0; i < freshTaken; i++) {
            Sample<I> s = fresh.pollFirst();
            used.add(s);
            inputs.add(s.input());
        }
        // Draw replayed samples before the fresh ones join the store: replay means already trained on.
        for (int i = 0; i < replayTaken; i++) {
            inputs.add(replay.get(random.nextInt(replay.size())).input());
        }
        used.forEach(this::remember);
        return Optional.of(new Batch<>(List.copyOf(inputs), freshTaken));
    }

    /**
     * Where a restart must resume reading {@code partition} so that every sample not yet trained
     * on is read again: the offset of its oldest fresh sample, else {@code position} (the
     * consumer's next offset) because everything before it was trained on or set aside.
     */
    public long resumeOffset(int partition, long position) {
        for (Sample<I> s : fresh) {
            if (s.partition() == partition) {
                return s.offset();
            }
        }
        return position;
    }

    /** Resume offsets of every partition the consumer holds, given its positions. */
    public Map<Integer, Long> resumeOffsets(Map<Integer, Long> positions) {
        Map<Integer, Long> out = new HashMap<>();
        positions.forEach((p, position) -> out.put(p, resumeOffset(p, position)));
        return out;
    }

    /** Forgets the fresh samples of a partition this consumer no longer reads (they will be read again). */
    public void dropFresh(int partition) {
        for (Iterator<Sample<I>> it = fresh.iterator(); it.hasNext(); ) {
            if (it.next().partition() == partition) {
                it.remove();
            }
        }
    }

    private void remember(Sample<I> s) {
        if (replay.size() < capacity) {
            replay.add(s);
        } else {
            replay.set(replayNext, s);
            replayNext = (replayNext + 1) % capacity;
        }
    }
}
