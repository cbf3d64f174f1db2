package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.ServingOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the one-command demo, on top of {@link ServingOptions}. */
public interface DemoOptions extends ServingOptions {
  @Description("Port of the embedded Kafka broker on 127.0.0.1, so other clients (publish-model) can reach it; 0: any free port")
  @Default.Integer(9092)
  int getKafkaPort();

  void setKafkaPort(int value);

  @Description("Records published per second")
  @Default.Double(10)
  double getRecordsPerSecond();

  void setRecordsPerSecond(double value);

  @Description("Seconds between two published models")
  @Default.Integer(8)
  int getModelIntervalSeconds();

  void setModelIntervalSeconds(int value);

  @Description("Every n-th published record is a bad one (0: none)")
  @Default.Integer(25)
  int getBadRecordEvery();

  void setBadRecordEvery(int value);

  @Description("Directory of the test data and models")
  @Default.String("testdata/files")
  String getTestdataDir();

  void setTestdataDir(String value);
}
