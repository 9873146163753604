/**
 * The Kafka Streams topologies and the process that runs them: {@link io.d2vstreams.topology.EmbeddingPipeline}
 * (the embedding and sampling apps, the model follower, the backfill), its config
 * ({@link io.d2vstreams.topology.PipelineConfig}, each modality's {@code <modality>.*} keys from one
 * defaults row), health, metrics and dead letters. {@code ServingSpec} is each modality's one entry
 * (runtime spec, event decoder, batch encoder).
 */
package io.d2vstreams.topology;
