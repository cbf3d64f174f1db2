package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelLoadException;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/** Feeds every model input from its own record field, one tensor per input. */
final class FeatureInputFeed implements InputFeed {
  private final FeatureInput[] inputs;
  private final List<String> fields;
  private final int batchSize;

  private FeatureInputFeed(List<FeatureInput> inputs, int batchSize) {
    this.inputs = inputs.toArray(new FeatureInput[0]);
    List<String> f = new ArrayList<>();
    for (FeatureInput in : inputs) {
      if (!f.contains(in.field)) {
        f.add(in.field);
      }
    }
    this.fields = List.copyOf(f);
    this.batchSize = batchSize;
  }

  /** Checks that the inputs agree on the number of records a run takes. */
  static FeatureInputFeed create(List<FeatureInput> inputs) throws ModelLoadException {
    int batchSize = ANY_BATCH;
    FeatureInput fixedBy = null;
    for (FeatureInput in : inputs) {
      int b = in.batchSize();
      if (b == ANY_BATCH) {
        continue;
      }
      if (fixedBy != null && b != batchSize) {
        throw new ModelLoadException(
            fixedBy.describe() + " takes " + batchSize + " record(s) per run but "
                + in.describe() + " takes " + b + "; the inputs' batch dimensions must agree");
      }
      batchSize = b;
      fixedBy = in;
    }
    return new FeatureInputFeed(inputs, batchSize);
  }

  @Override
  public List<String> requiredFields() {
    return fields;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public InputFeed.Batch newBatch(int rows) {
    return new ColumnBatch(rows);
  }

  /** One column of values per input. */
  private final class ColumnBatch implements InputFeed.Batch {
    private final FeatureColumn[] columns = new FeatureColumn[inputs.length];
    private int size;

    ColumnBatch(int rows) {
      for (int i = 0; i < inputs.length; i++) {
        columns[i] = inputs[i].column(rows);
      }
    }

    @Override
    public void add(Features features) throws InvalidRecordException {
      for (FeatureColumn c : columns) {
        c.read(features, size);
      }
      size++;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public void feed(Session.Runner runner, int rows, List<Tensor> created) {
      for (int i = 0; i < inputs.length; i++) {
        Tensor t = columns[i].tensor(inputs[i].shape(rows), size);
        created.add(t);
        runner.feed(inputs[i].target(), t);
      }
    }
  }
}
