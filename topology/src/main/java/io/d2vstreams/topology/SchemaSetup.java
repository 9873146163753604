package io.d2vstreams.topology;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SubjectNames;
import io.d2vstreams.schemas.Topics;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the value schema of every product topic at start-up (TopicNameStrategy), so any
 * client can fetch them from the registry and produce before the first event exists.
 */
public final class SchemaSetup {
    private static final Logger log = LoggerFactory.getLogger(SchemaSetup.class);

    private SchemaSetup() {
    }

    /** Subject → schema for every product topic. */
    public static Map<String, Schema> valueSchemas(Topics topics) {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(SubjectNames.valueSubject(topics.events(Modality.TEXT)), TextEvent.getClassSchema());
        schemas.put(SubjectNames.valueSubject(topics.events(Modality.IMAGE)), ImageEvent.getClassSchema());
        schemas.put(SubjectNames.valueSubject(topics.events(Modality.AUDIO)), AudioEvent.getClassSchema());
        for (Modality modality : Modality.values()) {
            schemas.put(SubjectNames.valueSubject(topics.embeddings(modality)), Embedding.getClassSchema());
        }
        schemas.put(SubjectNames.valueSubject(topics.trainingSamples()), TrainingSample.getClassSchema());
        schemas.put(SubjectNames.valueSubject(topics.models()), ModelVersion.getClassSchema());
        schemas.put(SubjectNames.valueSubject(topics.backfill()), BackfillEvent.getClassSchema());
        return schemas;
    }

    public static void registerAll(SchemaRegistryClient registry, Topics topics) {
        valueSchemas(topics).forEach((subject, schema) -> {
            int id = registry.register(subject, schema);
            log.info("event=schema_registered subject={} id={}", subject, id);
        });
    }
}
