package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StructuredCoder;

/**
 * What reaches the keyed serving state: a batch of records to score, or a model to serve. The two
 * streams are merged into one keyed stream so that one stateful DoFn sees both in arrival order.
 */
final class ServingEvent<T> {
  private final RecordBatch<T> batch;
  private final ModelDescriptor model;

  private ServingEvent(RecordBatch<T> batch, ModelDescriptor model) {
    this.batch = batch;
    this.model = model;
  }

  static <T> ServingEvent<T> batch(RecordBatch<T> batch) {
    return new ServingEvent<>(batch, null);
  }

  static <T> ServingEvent<T> model(ModelDescriptor model) {
    return new ServingEvent<>(null, model);
  }

  boolean isModel() {
    return model != null;
  }

  RecordBatch<T> batch() {
    return batch;
  }

  ModelDescriptor model() {
    return model;
  }

  /** Coder: a tag byte, then the batch or the descriptor. */
  static final class EventCoder<T> extends StructuredCoder<ServingEvent<T>> {
    private static final int BATCH = 0;
    private static final int MODEL = 1;
    private final RecordBatchCoder<T> batchCoder;

    EventCoder(Coder<T> recordCoder) {
      this.batchCoder = RecordBatchCoder.of(recordCoder);
    }

    @Override
    public void encode(ServingEvent<T> e, OutputStream out) throws IOException {
      if (e.isModel()) {
        out.write(MODEL);
        ModelDescriptorCoder.of().encode(e.model, out);
      } else {
        out.write(BATCH);
        batchCoder.encode(e.batch, out);
      }
    }

    @Override
    public ServingEvent<T> decode(InputStream in) throws IOException {
      int tag = in.read();
      switch (tag) {
        case MODEL:
          return model(ModelDescriptorCoder.of().decode(in));
        case BATCH:
          return batch(batchCoder.decode(in));
        default:
          throw new CoderException("unknown serving event tag " + tag);
      }
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of(batchCoder);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      verifyDeterministic(this, "records must encode deterministically", batchCoder);
    }
  }
}
