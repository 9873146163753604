package io.d2vstreams.cli.index;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lucene index of one modality's embeddings made by one model version: one document per
 * event id, its vector in an HNSW graph ({@link KnnFloatVectorField}, cosine). Vectors of two
 * versions are never mixed in one index, because they do not live in one space.
 *
 * <p>{@link #put} replaces the document of an id that is already there, so reading the same
 * embedding twice (a restart replaying from the last saved position) leaves one document.
 * What {@link #commit} has made durable is what {@link #search} in another process sees; what
 * was put after the last commit is dropped by {@link #close}, as by a crash.
 */
public final class VersionIndex implements Closeable {
    static final String ID = "id";
    static final String VECTOR = "vector";
    static final String PARTITION = "source_partition";
    static final String OFFSET = "source_offset";
    /** Fewest candidates an HNSW search explores, whatever k (see {@link #search}). */
    private static final int CANDIDATES = 100;

    private final String name;
    private final Directory directory;
    private final IndexWriter writer;
    private int dimension;

    private VersionIndex(String name, Directory directory, IndexWriter writer, int dimension) {
        this.name = name;
        this.directory = directory;
        this.writer = writer;
        this.dimension = dimension;
    }

    /** Opens (or creates) the index in {@code dir} for writing; {@code name} says which one in errors ("text v2"). */
    public static VersionIndex openForWriting(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Directory directory = FSDirectory.open(dir);
        try {
            // What is not committed is dropped on close, as on a crash: the indexer saves its read
            // positions with each commit, so it reads again whatever a close dropped.
            IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setCommitOnClose(false));
            return new VersionIndex(name, directory, writer, existingDimension(writer));
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** Adds the embedding of {@code id}, replacing an earlier one of the same id. */
    public void put(String id, float[] vector, int sourcePartition, long sourceOffset) throws IOException {
        if (dimension == 0) {
            dimension = vector.length;
        } else if (vector.length != dimension) {
            throw new IllegalArgumentException("the embedding of " + id + " has " + vector.length
                    + " dimensions; the index of " + name + " holds vectors of " + dimension);
        }
        Document doc = new Document();
        doc.add(new StringField(ID, id, Field.Store.YES));
        try {
            doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the embedding of " + id + " cannot be indexed in " + name + ": " + e.getMessage(), e);
        }
        doc.add(new StoredField(PARTITION, sourcePartition));
        doc.add(new StoredField(OFFSET, sourceOffset));
        writer.updateDocument(new Term(ID, id), doc);
    }

    /** Makes everything put so far durable and visible to readers. */
    public void commit() throws IOException {
        writer.commit();
    }

    /** Documents in the last commit. */
    public int committedCount() throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            return reader.numDocs();
        }
    }

    /** The {@code k} nearest committed documents to {@code query}, nearest first. */
    public static List<SearchHit> search(Path dir, float[] query, int k) throws IOException {
        try (Directory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            // Lucene's HNSW search keeps as many candidates in its beam as the query asks for hits, so a
            // search for 3 can miss the nearest; it asks for at least CANDIDATES and keeps the best k.
            TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, query, Math.max(k, CANDIDATES)), k);
            List<SearchHit> hits = new ArrayList<>();
            for (ScoreDoc scoreDoc : top.scoreDocs) {
                Document doc = searcher.storedFields().document(scoreDoc.doc);
                hits.add(new SearchHit(doc.get(ID), scoreDoc.score, doc.getField(PARTITION).numericValue().intValue(),
                        doc.getField(OFFSET).numericValue().longValue()));
            }
            return hits;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            directory.close();
        }
    }

    /** The vector width of an index that already holds documents, 0 for an empty one. */
    private static int existingDimension(IndexWriter writer) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            FieldInfo info = FieldInfos.getMergedFieldInfos(reader).fieldInfo(VECTOR);
            return info == null ? 0 : info.getVectorDimension();
        }
    }
}
