package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * One element of the single test stream: a record or a model. Both streams of {@link ServeModels}
 * are split from one {@code TestStream<Arrival>}, so a test fixes the order in which they arrive.
 */
final class Arrival {
  final KV<String, String> record;
  final ModelDescriptor model;

  private Arrival(KV<String, String> record, ModelDescriptor model) {
    this.record = record;
    this.model = model;
  }

  static Arrival record(KV<String, String> record) {
    return new Arrival(record, null);
  }

  static Arrival model(ModelDescriptor model) {
    return new Arrival(null, model);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Arrival
        && Objects.equals(record, ((Arrival) o).record)
        && Objects.equals(model, ((Arrival) o).model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(record, model);
  }

  /** Keeps the records. */
  static final class Records extends DoFn<Arrival, KV<String, String>> {
    @ProcessElement
    public void process(@Element Arrival a, OutputReceiver<KV<String, String>> out) {
      if (a.record != null) {
        out.output(a.record);
      }
    }
  }

  /** Keeps the models. */
  static final class Models extends DoFn<Arrival, ModelDescriptor> {
    @ProcessElement
    public void process(@Element Arrival a, OutputReceiver<ModelDescriptor> out) {
      if (a.model != null) {
        out.output(a.model);
      }
    }
  }

  /** A tag byte, then the record or the model. */
  static final class ArrivalCoder extends CustomCoder<Arrival> {
    private static final Coder<KV<String, String>> RECORD =
        KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());

    @Override
    public void encode(Arrival a, OutputStream out) throws IOException {
      out.write(a.record != null ? 0 : 1);
      if (a.record != null) {
        RECORD.encode(a.record, out);
      } else {
        ModelDescriptorCoder.of().encode(a.model, out);
      }
    }

    @Override
    public Arrival decode(InputStream in) throws IOException {
      return in.read() == 0
          ? record(RECORD.decode(in))
          : model(ModelDescriptorCoder.of().decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}
