package dev.modelserving.beam.benchmarks.heap;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.benchmarks.latency.PacedSequence;
import dev.modelserving.beam.benchmarks.latency.TimedWineRecords;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * A model stream of two models for each of {@code types} data types ({@link
 * TimedWineRecords#typeName}): first the older model of every type ({@code first}, version 1),
 * then the newer one ({@code second}, version 2), at {@code ratePerSecond} models a second, after
 * a {@linkplain dev.modelserving.beam.benchmarks.latency.Gates gate} opens. Every data type ends
 * with a current and a previous model.
 */
public final class ManyModels extends PTransform<PBegin, PCollection<ModelDescriptor>> {
  private final int types;
  private final ModelDescriptor first;
  private final ModelDescriptor second;
  private final double ratePerSecond;
  private final String gate;

  public ManyModels(int types, ModelDescriptor first, ModelDescriptor second, double ratePerSecond, String gate) {
    this.types = types;
    this.first = first;
    this.second = second;
    this.ratePerSecond = ratePerSecond;
    this.gate = gate;
  }

  /** The model message number {@code seq} (0 to 2 × types − 1) stands for. */
  static ModelDescriptor model(long seq, int types, ModelDescriptor first, ModelDescriptor second) {
    boolean newer = seq >= types;
    int type = (int) (newer ? seq - types : seq);
    ModelDescriptor base = newer ? second : first;
    String dataType = TimedWineRecords.typeName(type);
    return base.toBuilder()
        .setDataType(dataType)
        .setVersion(newer ? "2" : "1")
        .setUuid("heap-" + dataType + "-" + base.getName())
        .setCreatedAtMillis(1_000L + seq)
        .build();
  }

  @Override
  public PCollection<ModelDescriptor> expand(PBegin input) {
    return input
        .apply("PacedModelNumbers", Read.from(PacedSequence.at(ratePerSecond).withLimit(2L * types).withGate(gate)))
        .apply("ToModels", ParDo.of(new ToModelFn(types, first.toByteArray(), second.toByteArray())))
        .setCoder(ModelDescriptorCoder.of());
  }

  /** Builds the model of each number; the two base models travel as bytes. */
  static final class ToModelFn extends DoFn<KV<Long, Long>, ModelDescriptor> {
    private final int types;
    private final byte[] first;
    private final byte[] second;
    private transient ModelDescriptor firstModel;
    private transient ModelDescriptor secondModel;

    ToModelFn(int types, byte[] first, byte[] second) {
      this.types = types;
      this.first = first;
      this.second = second;
    }

    @Setup
    public void setup() throws Exception {
      firstModel = ModelDescriptor.parseFrom(ByteString.copyFrom(first));
      secondModel = ModelDescriptor.parseFrom(ByteString.copyFrom(second));
    }

    @ProcessElement
    public void process(@Element KV<Long, Long> number, OutputReceiver<ModelDescriptor> out) {
      out.output(model(number.getKey(), types, firstModel, secondModel));
    }
  }
}
