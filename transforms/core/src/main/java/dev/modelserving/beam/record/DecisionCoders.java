package dev.modelserving.beam.record;

import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.ModelOutputCoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Coders for {@link ModelAnswer}, {@link DecisionTrace} and {@link ShadowComparison}. */
public final class DecisionCoders {
  private static final Coder<String> STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final Coder<ModelOutput> OUTPUT = NullableCoder.of(ModelOutputCoder.of());
  private static final Coder<Integer> INT = VarIntCoder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();

  private DecisionCoders() {}

  /** Encodes a {@link ModelAnswer}: identity, role, status, output or failure, latency. */
  public static final class AnswerCoder extends AtomicCoder<ModelAnswer> {
    private static final AnswerCoder INSTANCE = new AnswerCoder();

    public static AnswerCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ModelAnswer a, OutputStream out) throws IOException {
      STRING.encode(a.getModelName(), out);
      STRING.encode(a.getModelVersion(), out);
      STRING.encode(a.getModelUuid(), out);
      STRING.encode(a.getRole(), out);
      INT.encode(a.getStatus().ordinal(), out);
      OUTPUT.encode(a.getOutput(), out);
      STRING.encode(a.getFailure(), out);
      LONG.encode(a.getLatencyNanos(), out);
    }

    @Override
    public ModelAnswer decode(InputStream in) throws IOException {
      return new ModelAnswer(STRING.decode(in), STRING.decode(in), STRING.decode(in), STRING.decode(in),
          ModelAnswer.Status.values()[INT.decode(in)], OUTPUT.decode(in), STRING.decode(in), LONG.decode(in));
    }
  }

  /** Encodes a {@link DecisionTrace}: policy, answers, winner and reason. */
  public static final class TraceCoder extends AtomicCoder<DecisionTrace> {
    private static final TraceCoder INSTANCE = new TraceCoder();

    public static TraceCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(DecisionTrace t, OutputStream out) throws IOException {
      STRING.encode(t.getPolicy(), out);
      INT.encode(t.getAnswers().size(), out);
      for (ModelAnswer a : t.getAnswers()) {
        AnswerCoder.of().encode(a, out);
      }
      STRING.encode(t.getWinner(), out);
      STRING.encode(t.getReason(), out);
    }

    @Override
    public DecisionTrace decode(InputStream in) throws IOException {
      String policy = STRING.decode(in);
      int n = INT.decode(in);
      List<ModelAnswer> answers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        answers.add(AnswerCoder.of().decode(in));
      }
      return new DecisionTrace(policy, answers, STRING.decode(in), STRING.decode(in));
    }
  }

  /** Encodes a {@link ShadowComparison}. */
  public static final class ComparisonCoder extends AtomicCoder<ShadowComparison> {
    private static final ComparisonCoder INSTANCE = new ComparisonCoder();

    public static ComparisonCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ShadowComparison c, OutputStream out) throws IOException {
      STRING.encode(c.getRecordId(), out);
      STRING.encode(c.getDataType(), out);
      AnswerCoder.of().encode(c.getPrimary(), out);
      AnswerCoder.of().encode(c.getShadow(), out);
      BooleanCoder.of().encode(c.agrees(), out);
    }

    @Override
    public ShadowComparison decode(InputStream in) throws IOException {
      return new ShadowComparison(STRING.decode(in), STRING.decode(in), AnswerCoder.of().decode(in),
          AnswerCoder.of().decode(in), BooleanCoder.of().decode(in));
    }
  }
}
