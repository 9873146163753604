/**
 * The embedded default of d2v-streams: an in-process KRaft Kafka broker ({@link io.d2vstreams.devstack.EmbeddedKafkaBroker}),
 * a Confluent-API-compatible schema registry on it ({@link io.d2vstreams.devstack.EmbeddedSchemaRegistry}), and both
 * together on one data directory ({@link io.d2vstreams.devstack.DevStack}). The broker can serve clients over
 * {@code SASL_SSL} with SCRAM users ({@link io.d2vstreams.devstack.SaslSslListener}), with a certificate made by
 * {@link io.d2vstreams.devstack.SelfSignedCertificate}. Everything under {@code internal} may change without notice.
 */
package io.d2vstreams.devstack;
