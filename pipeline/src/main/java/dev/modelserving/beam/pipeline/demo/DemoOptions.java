package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.ServingOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the one-command demo, on top of {@link ServingOptions}; {@code --demoMode} picks what it shows. */
public interface DemoOptions extends ServingOptions {
  @Description("Port of the embedded Kafka broker on 127.0.0.1, so other clients (publish-model) can reach it; 0: any free port")
  @Default.Integer(9092)
  int getKafkaPort();

  void setKafkaPort(int value);

  @Description("The embedded broker's client listener: 'plaintext', or 'sasl-plain' (SASL/PLAIN: the demo makes a user"
      + " 'demo' with a random password, writes the client settings to a properties file only you can read, uses it"
      + " for every client unless --kafkaPropertiesFile is given, and prints its path for publish-model and status)")
  @Default.String("plaintext")
  String getKafkaSecurity();

  void setKafkaSecurity(String value);

  @Description("Records published per second")
  @Default.Double(10)
  double getRecordsPerSecond();

  void setRecordsPerSecond(double value);

  @Description("Seconds between two steps of the demo: the next model (cycle), routing (canary), or printed tally (speculative, canary) or accuracy line (training, 5 s unless given)")
  @Default.Integer(8)
  int getModelIntervalSeconds();

  void setModelIntervalSeconds(int value);

  @Description("Every n-th published record is a bad one (0: none)")
  @Default.Integer(25)
  int getBadRecordEvery();

  void setBadRecordEvery(int value);

  @Description("What the demo shows: 'cycle' (a new model every --modelIntervalSeconds, each taking over), 'speculative' (a fast and a slow model under the speculative policy: the slow one misses the latency budget and the fast one answers), 'canary' (two models routed 90/10, the canary's weight raised every --modelIntervalSeconds) or 'training' (the train pipeline beside serving publishes the models, and the served accuracy is printed every --modelIntervalSeconds)")
  @Default.String("cycle")
  String getDemoMode();

  void setDemoMode(String value);

  @Description("Speculative demo: trees of the slow model, a random forest grown at start")
  @Default.Integer(200)
  int getSlowForestTrees();

  void setSlowForestTrees(int value);

  @Description("Speculative demo: depth of the slow forest's trees")
  @Default.Integer(10)
  int getSlowForestDepth();

  void setSlowForestDepth(int value);

  @Description("Canary demo: the canary's weight in percent at each step, comma-separated; the first applies at start, the next after each --modelIntervalSeconds")
  @Default.String("10,50,100")
  String getCanaryWeights();

  void setCanaryWeights(String value);

  @Description("Training demo: the generated wines change the relation between their features and their quality (concept drift) after this many records; 0 or less: no drift")
  @Default.Long(6000)
  long getDriftAfter();

  void setDriftAfter(long value);

  @Description("Print every n-th scored record (failures are always printed; in the training demo, unserved records are counted instead). 0: the mode's default (1 for cycle, 20 for speculative, 10 for canary, 1000 for training)")
  @Default.Integer(0)
  int getPrintEvery();

  void setPrintEvery(int value);

  @Description("Directory of the test data and models")
  @Default.String("testdata/files")
  String getTestdataDir();

  void setTestdataDir(String value);
}
