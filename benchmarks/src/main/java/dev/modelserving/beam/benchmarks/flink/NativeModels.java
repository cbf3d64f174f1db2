package dev.modelserving.beam.benchmarks.flink;

import java.io.IOException;

/** Builds a {@link NativeModel} from a model message, by its format. */
public final class NativeModels {
  public static final String PMML = "pmml";
  public static final String TENSORFLOW_SAVED_MODEL = "tensorflow-saved-model";

  private NativeModels() {}

  public static NativeModel load(ModelMessage message) throws IOException {
    if (message.bytes == null || message.bytes.length == 0) {
      throw new IOException("model " + message + " carries no bytes");
    }
    switch (message.format) {
      case PMML:
        return new NativePmmlModel(message.bytes);
      case TENSORFLOW_SAVED_MODEL:
        return new NativeTensorFlowModel(message.bytes);
      default:
        throw new IOException("model " + message + " has format '" + message.format
            + "'; the native job loads " + PMML + " and " + TENSORFLOW_SAVED_MODEL);
    }
  }
}
