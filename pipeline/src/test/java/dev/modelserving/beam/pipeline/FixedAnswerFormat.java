package dev.modelserving.beam.pipeline;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelFormat;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * A model format for the pipeline's tests, whose answer and speed are written in its bytes as
 * properties: {@code value} (the number every record gets), {@code delayMillis} (how long every
 * batch call sleeps first, default 0) and {@code reads} (the record fields it reads, comma-separated;
 * default none: a record without one of them, or with one that is not a number, fails). Bytes that
 * are not such properties, or without a value, do not load. Registered in {@code
 * META-INF/services} of the test classpath.
 */
public final class FixedAnswerFormat implements ModelFormat {
  public static final String ID = "test-fixed-answer";

  @Override
  public String id() {
    return ID;
  }

  /** A wine model of this format, created at {@code createdAtMillis}, with uuid {@code name-version-<random>}. */
  public static ModelDescriptor model(String name, String version, long createdAtMillis, String properties) {
    return ModelDescriptor.newBuilder()
        .setName(name).setDataType("wine").setVersion(version).setFormat(ID)
        .setUuid(name + "-" + version + "-" + UUID.randomUUID())
        .setCreatedAtMillis(createdAtMillis)
        .setModelBytes(ByteString.copyFromUtf8(properties))
        .build();
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    Properties p = new Properties();
    try {
      p.load(new StringReader(descriptor.getModelBytes().toString(StandardCharsets.UTF_8).replace(';', '\n')));
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelLoadException("not " + ID + " properties: " + e.getMessage(), e);
    }
    try {
      double value = Double.parseDouble(p.getProperty("value", "not given"));
      long delayMillis = Long.parseLong(p.getProperty("delayMillis", "0"));
      String reads = p.getProperty("reads", "").trim();
      return new Fixed(ModelOutput.value(value), delayMillis, reads.isEmpty() ? List.of() : Arrays.asList(reads.split(",")));
    } catch (NumberFormatException e) {
      throw new ModelLoadException(ID + " model needs a numeric 'value' and 'delayMillis': " + e.getMessage(), e);
    }
  }

  private static final class Fixed implements Scorer {
    private final ModelOutput answer;
    private final long delayMillis;
    private final List<String> reads;

    Fixed(ModelOutput answer, long delayMillis, List<String> reads) {
      this.answer = answer;
      this.delayMillis = delayMillis;
      this.reads = reads;
    }

    @Override
    public List<String> requiredFields() {
      return reads;
    }

    @Override
    public ModelOutput score(Features features) throws InvalidRecordException {
      for (String field : reads) {
        features.getNumber(field);
      }
      return answer;
    }

    @Override
    public BatchScores scoreBatch(List<Features> batch) {
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      BatchScores scores = BatchScores.of(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Scorer.scoreInto(this, batch.get(i), scores, i);
      }
      return scores;
    }

    @Override
    public void close() {}
  }
}
