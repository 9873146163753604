/**
 * Plain Kafka clients for {@code d2v produce} and {@code d2v tail}: events from arguments, files
 * or generators in the Confluent wire format ({@code EventInputs}, {@code EventProducer}), and any
 * topic read back as JSON lines ({@code TopicTail}, {@code RecordJson}).
 */
package io.d2vstreams.cli.client;
