package io.d2vstreams.cli.index;

import io.d2vstreams.runtime.Modality;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Keeps one modality's indexes from its embedding stream: every embedding goes into the index of
 * the version that made it, and the served index switches to a version only at that version's
 * cut-over, once this reader has read the embedding topic as far as the cut-over says the
 * backfill wrote. Until the first cut-over the first version indexed serves.
 *
 * <p><b>Restarts.</b> {@link #commit} commits every version's index, then saves the read
 * positions it covers ({@code POSITIONS} beside the indexes, written atomically). A process
 * that dies between the two reads again from the older positions; the replayed embeddings
 * replace their own documents ({@link VersionIndex#put} is keyed by event id), so the indexes end
 * the same. Kafka-free on purpose: the caller polls, this decides.
 */
public final class ModalityIndexer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ModalityIndexer.class);
    private static final String POSITIONS = "POSITIONS";

    /** One embedding as the indexer needs it: which version made it, and where it was read. */
    public record IndexedEmbedding(String id, int version, float[] vector, int sourcePartition, long sourceOffset,
                                   int embeddingPartition, long embeddingOffset) {}

    /** A cut-over: version {@code version} is complete once the embedding topic is read up to these end offsets. */
    public record CutOver(int version, Map<Integer, Long> embeddingEndOffsets) {
        public CutOver {
            embeddingEndOffsets = Map.copyOf(embeddingEndOffsets);
        }
    }

    private final VectorIndexes indexes;
    private final Modality modality;
    private final Map<Integer, VersionIndex> open = new HashMap<>();
    private final Map<Integer, Long> positions;
    private final List<CutOver> pending = new ArrayList<>();

    public ModalityIndexer(VectorIndexes indexes, Modality modality) throws IOException {
        this.indexes = Objects.requireNonNull(indexes, "indexes");
        this.modality = Objects.requireNonNull(modality, "modality");
        this.positions = readPositions();
    }

    /** Where to start reading each embedding partition: after what the last commit covered (absent: from the beginning). */
    public Map<Integer, Long> savedPositions() {
        return Map.copyOf(positions);
    }

    public void add(IndexedEmbedding embedding) throws IOException {
        VersionIndex index = open.get(embedding.version());
        if (index == null) {
            index = indexes.openForWriting(modality, embedding.version());
            open.put(embedding.version(), index);
        }
        index.put(embedding.id(), embedding.vector(), embedding.sourcePartition(), embedding.sourceOffset());
        positions.merge(embedding.embeddingPartition(), embedding.embeddingOffset() + 1, Math::max);
    }

    /** Notes a cut-over; it takes effect at the first {@link #commit} whose positions reach its end offsets. */
    public void cutOver(CutOver cutOver) {
        pending.add(cutOver);
    }

    /**
     * Commits the indexes, saves the read positions (at least {@code readPositions}, the
     * consumer's positions, which move past transaction markers and aborted records too) and
     * switches to every cut-over now reached, in the order they were seen.
     */
    public void commit(Map<Integer, Long> readPositions) throws IOException {
        readPositions.forEach((partition, offset) -> positions.merge(partition, offset, Math::max));
        for (VersionIndex index : open.values()) {
            index.commit();
        }
        writePositions();
        for (Iterator<CutOver> it = pending.iterator(); it.hasNext(); ) {
            CutOver cutOver = it.next();
            if (reached(cutOver)) {
                it.remove();
                if (!Files.isDirectory(indexes.dirOf(modality, cutOver.version()))) {
                    // A version whose embeddings this reader never saw (all of them deleted by retention).
                    indexes.openForWriting(modality, cutOver.version()).close();
                }
                indexes.serve(modality, cutOver.version());
                log.info("event=index_cut_over modality={} version={}", modality, cutOver.version());
            }
        }
        if (indexes.serving(modality).isEmpty() && !open.isEmpty()) {
            int first = open.keySet().stream().mapToInt(Integer::intValue).min().orElseThrow();
            indexes.serve(modality, first);
            log.info("event=index_serving modality={} version={} reason=first_version_indexed", modality, first);
        }
    }

    private boolean reached(CutOver cutOver) {
        return cutOver.embeddingEndOffsets().entrySet().stream()
                .allMatch(end -> end.getValue() <= positions.getOrDefault(end.getKey(), 0L));
    }

    private Map<Integer, Long> readPositions() throws IOException {
        Path file = positionsFile();
        Map<Integer, Long> read = new TreeMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("=");
                if (parts.length == 2) {
                    read.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                } else if (!line.isBlank()) {
                    throw new IOException(file + ": expected partition=offset lines, got \"" + line + "\"");
                }
            }
        }
        return read;
    }

    private void writePositions() throws IOException {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(positions).forEach((partition, offset) -> text.append(partition).append('=').append(offset).append('\n'));
        AtomicFiles.writeString(positionsFile(), text);
    }

    private Path positionsFile() {
        return indexes.root().resolve(modality.folderName()).resolve(POSITIONS);
    }

    /** Closes the indexes; what was added since the last {@link #commit} is dropped and will be read again. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (VersionIndex index : open.values()) {
            try {
                index.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
