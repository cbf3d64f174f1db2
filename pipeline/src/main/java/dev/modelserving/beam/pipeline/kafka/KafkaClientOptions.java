package dev.modelserving.beam.pipeline.kafka;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Kafka client settings (security, timeouts, tuning) for every consumer, producer and admin client
 * the application creates; resolved and checked by {@link KafkaClientConfig#from(KafkaClientOptions)}.
 * The commands ({@code publish-model}, {@code route}, {@code status}) take the same four options.
 *
 * <p>The inline lists are left out of the serialized pipeline options and their display data (they
 * may hold secrets); the pipeline's Kafka steps carry the resolved settings themselves.
 */
public interface KafkaClientOptions extends PipelineOptions {
  @Description("A Java properties file of Kafka client settings for every consumer, producer and admin client, e.g."
      + " security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location and its password: the place for"
      + " secrets. --kafkaProperties, then --consumerProperties / --producerProperties override it")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String value);

  @Description("Kafka client settings for every consumer, producer and admin client, as key=value pairs separated by"
      + " ',' (an item without '=' continues the previous value, e.g. ssl.enabled.protocols=TLSv1.2,TLSv1.3);"
      + " overrides --kafkaPropertiesFile")
  @JsonIgnore
  String getKafkaProperties();

  void setKafkaProperties(String value);

  @Description("Kafka settings for consumers only (key=value,...), e.g. max.poll.records; overrides --kafkaProperties")
  @JsonIgnore
  String getConsumerProperties();

  void setConsumerProperties(String value);

  @Description("Kafka settings for producers only (key=value,...), e.g. linger.ms or compression.type; overrides"
      + " --kafkaProperties")
  @JsonIgnore
  String getProducerProperties();

  void setProducerProperties(String value);
}
