package dev.modelserving.beam.pipeline.training;

import dev.modelserving.beam.pipeline.ServingOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Options of the {@code train} command: what to train and how, on top of the Kafka, record-format
 * and recovery options it shares with {@code serve} ({@code --bootstrapServers}, {@code
 * --dataTopic}, {@code --modelTopic}, {@code --csvColumns}, {@code --checkpointDir}, ...). The
 * defaults train a multinomial logistic regression of the generated wine data's quality.
 */
public interface TrainingOptions extends ServingOptions {
  @Description("The data type trained on (records of other data types go to the dead-letter topic, with the reason)")
  @Default.String("wine")
  String getTrainingDataType();

  void setTrainingDataType(String value);

  @Description("The name the trained model is published under (its versions count up)")
  @Default.String("wine-sgd")
  String getModelName();

  void setModelName(String value);

  @Description("The label field")
  @Default.String("quality")
  String getTarget();

  void setTarget(String value);

  @Description("The numeric feature fields, comma-separated")
  @Default.String("fixed_acidity,volatile_acidity,citric_acid,residual_sugar,chlorides,free_sulfur_dioxide,"
      + "total_sulfur_dioxide,density,pH,sulphates,alcohol")
  String getFeatures();

  void setFeatures(String value);

  @Description("The label's classes, comma-separated: two for a binary logistic regression (the second is the"
      + " positive class), more for a multinomial one; empty for a linear regression of a numeric label")
  @Default.String("3,4,5,6,7,8,9")
  String getClasses();

  void setClasses(String value);

  @Description("A mini-batch closes at this many records (held-out ones included) ...")
  @Default.Integer(200)
  int getMiniBatchSize();

  void setMiniBatchSize(int value);

  @Description("... or this many seconds of event time after its first record")
  @Default.Long(30)
  long getMiniBatchSeconds();

  void setMiniBatchSeconds(long value);

  @Description("Publish a model after every n mini-batches")
  @Default.Integer(1)
  int getPublishEvery();

  void setPublishEvery(int value);

  @Description("The fraction of records held out (never trained on; by a hash of the record id)")
  @Default.Double(0.2)
  double getHoldoutFraction();

  void setHoldoutFraction(double value);

  @Description("The holdout metrics of a model are taken on the latest this many held-out records")
  @Default.Integer(1000)
  int getHoldoutWindow();

  void setHoldoutWindow(int value);

  @Description("The learning rate of the first update; update t uses learningRate / (1 + learningRateDecay * t)")
  @Default.Double(0.3)
  double getLearningRate();

  void setLearningRate(double value);

  @Description("How fast the learning rate falls (0: constant)")
  @Default.Double(0.001)
  double getLearningRateDecay();

  void setLearningRateDecay(double value);

  @Description("The L2 penalty on the coefficients")
  @Default.Double(1e-4)
  double getL2();

  void setL2(double value);

  @Description("Where a trainer without checkpointed state starts: 'latest' (the latest version of --modelName for"
      + " the data type on the model topic, else zero), 'none' (zero weights, version 1), or a PMML file this trainer"
      + " exported (its version is --startVersion). A restored checkpoint always wins")
  @Default.String("latest")
  String getStartFrom();

  void setStartFrom(String value);

  @Description("With --startFrom=<file>: the version of that model (the next one published is one more)")
  @Default.Long(0)
  long getStartVersion();

  void setStartVersion(long value);
}
