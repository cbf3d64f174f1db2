package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StructuredCoder;

/**
 * What reaches the serving state for one key: a data record to score, or a model to serve. The two
 * streams are merged into one keyed stream so that one stateful DoFn sees both in arrival order.
 */
final class ServingEvent<T> {
  private final T record;
  private final ModelDescriptor model;

  private ServingEvent(T record, ModelDescriptor model) {
    this.record = record;
    this.model = model;
  }

  static <T> ServingEvent<T> record(T record) {
    return new ServingEvent<>(record, null);
  }

  static <T> ServingEvent<T> model(ModelDescriptor model) {
    return new ServingEvent<>(null, model);
  }

  boolean isModel() {
    return model != null;
  }

  T record() {
    return record;
  }

  ModelDescriptor model() {
    return model;
  }

  /** Coder: a tag byte, then the record or the descriptor. */
  static final class EventCoder<T> extends StructuredCoder<ServingEvent<T>> {
    private static final int RECORD = 0;
    private static final int MODEL = 1;
    private final Coder<T> recordCoder;

    EventCoder(Coder<T> recordCoder) {
      this.recordCoder = recordCoder;
    }

    @Override
    public void encode(ServingEvent<T> e, OutputStream out) throws IOException {
      if (e.isModel()) {
        out.write(MODEL);
        ModelDescriptorCoder.of().encode(e.model, out);
      } else {
        out.write(RECORD);
        recordCoder.encode(e.record, out);
      }
    }

    @Override
    public ServingEvent<T> decode(InputStream in) throws IOException {
      int tag = in.read();
      switch (tag) {
        case MODEL:
          return model(ModelDescriptorCoder.of().decode(in));
        case RECORD:
          return record(recordCoder.decode(in));
        default:
          throw new CoderException("unknown serving event tag " + tag);
      }
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return Arrays.asList(recordCoder);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      verifyDeterministic(this, "records must encode deterministically", recordCoder);
    }
  }
}
