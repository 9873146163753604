/**
 * Avro on Kafka for d2v-streams: the Confluent wire format ({@link io.d2vstreams.schemas.WireFormat}),
 * serdes that any Kafka client can load by class name, and a Schema Registry REST client.
 *
 * <p>Errors are typed so callers can route them: {@link io.d2vstreams.schemas.RecordDecodeException}
 * means the record is bad (dead-letter it), {@link io.d2vstreams.schemas.RegistryUnavailableException}
 * means the registry is (retry, never dead-letter), {@link io.d2vstreams.schemas.SchemaRegistryException}
 * means the registry refused a request (usually configuration).
 *
 * <p>The generated Avro classes live in {@code io.d2vstreams.avro}. Everything in
 * {@code io.d2vstreams.schemas.internal} may change without notice.
 */
package io.d2vstreams.schemas;
