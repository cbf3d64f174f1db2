package dev.modelserving.beam.record;

import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.ModelOutputCoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Coder for {@link ScoredRecord}, given the coder of its input. */
public final class ScoredRecordCoder<T> extends StructuredCoder<ScoredRecord<T>> {
  private static final Coder<String> STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final Coder<ModelOutput> OUTPUT = ModelOutputCoder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();
  private static final Coder<Integer> INT = VarIntCoder.of();
  private static final Coder<DecisionTrace> TRACE = NullableCoder.of(DecisionCoders.TraceCoder.of());

  private final Coder<T> inputCoder;

  private ScoredRecordCoder(Coder<T> inputCoder) {
    this.inputCoder = inputCoder;
  }

  public static <T> ScoredRecordCoder<T> of(Coder<T> inputCoder) {
    return new ScoredRecordCoder<>(inputCoder);
  }

  @Override
  public void encode(ScoredRecord<T> r, OutputStream out) throws IOException {
    inputCoder.encode(r.getInput(), out);
    STRING.encode(r.getDataType(), out);
    OUTPUT.encode(r.getOutput(), out);
    STRING.encode(r.getModelName(), out);
    STRING.encode(r.getModelVersion(), out);
    STRING.encode(r.getModelUuid(), out);
    STRING.encode(r.getModelFormat(), out);
    STRING.encode(r.getDecision(), out);
    LONG.encode(r.getServedAtMillis(), out);
    LONG.encode(r.getLatencyNanos(), out);
    INT.encode(r.getBatchSize(), out);
    TRACE.encode(r.getTraceIfConsulted(), out);
  }

  @Override
  public ScoredRecord<T> decode(InputStream in) throws IOException {
    T input = inputCoder.decode(in);
    String dataType = STRING.decode(in);
    ModelOutput output = OUTPUT.decode(in);
    return new ScoredRecord<>(
        input, dataType, output, STRING.decode(in), STRING.decode(in), STRING.decode(in),
        STRING.decode(in), STRING.decode(in), LONG.decode(in), LONG.decode(in), INT.decode(in), TRACE.decode(in));
  }

  @Override
  public List<? extends Coder<?>> getCoderArguments() {
    return Arrays.asList(inputCoder);
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    verifyDeterministic(this, "the input coder must be deterministic", inputCoder);
  }
}
