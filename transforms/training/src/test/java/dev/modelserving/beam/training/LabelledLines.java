package dev.modelserving.beam.training;

import dev.modelserving.beam.model.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Labelled test records as text, {@code id,dataType,x1,x2,label}: two features on different scales
 * (x1 about 5 ± 2, x2 about 100 ± 30) and a binary label from a known logistic model, from a seed.
 */
final class LabelledLines {
  static final List<String> FEATURES = List.of("x1", "x2");
  static final List<String> CLASSES = List.of("no", "yes");

  private LabelledLines() {}

  /** {@code n} records of data type {@code dataType}, ids {@code prefix-0 ...}. */
  static List<String> binary(String dataType, String prefix, int n, long seed) {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x1 = 5 + 2 * r.nextGaussian();
      double x2 = 100 + 30 * r.nextGaussian();
      double z = 1.5 * (x1 - 5) / 2 - 1.0 * (x2 - 100) / 30 + 0.3;
      boolean yes = r.nextDouble() < 1 / (1 + Math.exp(-3 * z));
      lines.add(prefix + "-" + i + "," + dataType + "," + x1 + "," + x2 + "," + (yes ? "yes" : "no"));
    }
    return lines;
  }

  static TrainingSpec spec(String dataType) {
    return TrainingSpec.logisticRegression(dataType, dataType + "-sgd", "label", FEATURES, CLASSES);
  }

  static final SerializableFunction<String, String> ID = line -> line.split(",", -1)[0];
  static final SerializableFunction<String, String> DATA_TYPE = line -> line.split(",", -1)[1];
  static final SerializableFunction<String, Features> FEATURES_OF = line -> {
    String[] c = line.split(",", -1);
    Features.Builder b = Features.builder();
    b.putObject("x1", number(c[2]));
    b.putObject("x2", number(c[3]));
    b.putObject("label", c[4].isEmpty() ? null : c[4]);
    return b.build();
  };

  private static Object number(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return text.isEmpty() ? null : text;
    }
  }

  static TrainModels<String> train(TrainingSpec... specs) {
    TrainModels<String> t = TrainModels.<String>create().withDataTypeFn(DATA_TYPE).withFeatureExtractor(FEATURES_OF)
        .withRecordIdFn(ID);
    for (TrainingSpec s : specs) {
      t = t.withModel(s);
    }
    return t;
  }
}
