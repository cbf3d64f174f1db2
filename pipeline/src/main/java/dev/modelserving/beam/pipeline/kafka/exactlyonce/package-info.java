/**
 * An exactly-once Kafka sink that writes a transaction per batch of records instead of per record:
 * {@link dev.modelserving.beam.pipeline.kafka.exactlyonce.ExactlyOnceKafkaWrite}.
 */
package dev.modelserving.beam.pipeline.kafka.exactlyonce;
