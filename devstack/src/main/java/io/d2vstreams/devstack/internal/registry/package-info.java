/**
 * The embedded Confluent-compatible Schema Registry: its REST handler, the schema log kept in a
 * Kafka topic ({@code KafkaSchemaLog}) and replayed into its state, and the Avro compatibility checks.
 */
package io.d2vstreams.devstack.internal.registry;
