package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DecisionTrace;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import dev.modelserving.beam.serving.ServingMetrics.DataTypeCounters;
import dev.modelserving.beam.serving.ServingMetrics.ModelCounters;
import dev.modelserving.beam.serving.policy.CurrentModelPolicy;
import dev.modelserving.beam.serving.policy.Decision;
import dev.modelserving.beam.serving.policy.Plan;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import dev.modelserving.beam.serving.policy.StickyRouter;
import dev.modelserving.beam.status.BatchStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Serves a batch with a data type's set under its {@link ServingPolicy}: asks the policy for a
 * {@link Plan}, makes one batched call per model it names ({@link ModelCalls}), then per record
 * collects the answers, lets the policy decide, and emits the result with its {@link
 * DecisionTrace} (scored, review or dead letter), the shadow comparisons, and per-model metrics.
 * The same for keyed and broadcast serving; the {@link CurrentModelPolicy} goes straight to {@link
 * BatchServer}, as before policies existed.
 */
final class PolicyServer<T> {
  private final ServingConfig<T> config;
  private final BatchServer<T> server;
  private final ModelCalls calls;

  PolicyServer(ServingConfig<T> config, BatchServer<T> server) {
    this.config = config;
    this.server = server;
    this.calls = new ModelCalls(PolicyExecutor.shared(), config.batchLimits.getMax());
  }

  /** The plan for a data type's set: the models a batch will call must be loaded first. */
  Plan plan(String dataType, List<String> names, dev.modelserving.beam.model.proto.Routing routing) {
    return names.isEmpty() ? null : config.policyFor(dataType).plan(names, routing);
  }

  /** Serves {@code batch}; every model the plan calls is in {@code set} (loaded, or reported as skipped). */
  void serve(RecordBatch<T> batch, ServedSet set, Plan plan, ServingOutputs<T> out) {
    ServingPolicy policy = config.policyFor(batch.dataType());
    if (policy instanceof CurrentModelPolicy && plan.models().size() == 1 && plan.shadows().isEmpty()) {
      ServedModel only = set.get(plan.models().get(0));
      server.serve(batch, only.model, only.ref, CurrentModelPolicy.NAME, out);
      return;
    }
    BatchServer.Rows rows = server.extract(batch, out);
    if (rows.features.isEmpty()) {
      return;
    }
    long servedAt = System.currentTimeMillis();
    DataTypeCounters counters = out.metrics().of(batch.dataType());
    List<ServedModel> shadows = models(set, plan.shadows());
    PolicyExecutor.Call<ModelCalls.Outcome[]> shadowCall = shadows.isEmpty() ? null
        : PolicyExecutor.shared().submit("shadows", () -> calls.run(shadows, rows.features, null, -1));
    Result result = plan.kind() == Plan.Kind.ROUTED
        ? routed(batch, rows, set, plan)
        : consulted(rows, set, plan);
    result.recordCalls(counters);
    ModelCalls.Outcome[] shadowOutcomes = shadows.isEmpty() ? new ModelCalls.Outcome[0] : awaitShadows(shadowCall, shadows, rows.features);
    int[] agreed = new int[shadows.size()];
    int compared = 0;
    int scored = 0;
    for (int j = 0; j < rows.features.size(); j++) {
      int i = rows.recordOf[j];
      List<ModelAnswer> answers = result.answers(j);
      Decision decision = plan.kind() == Plan.Kind.ROUTED ? result.routedDecision(j, plan) : policy.decide(answers);
      List<ModelAnswer> traced = answers;
      List<ModelAnswer> shadowAnswers = new ArrayList<>(shadows.size());
      for (int s = 0; s < shadows.size(); s++) {
        shadowAnswers.add(answer(shadows.get(s), "shadow", shadowOutcomes[s], j));
      }
      if (!shadowAnswers.isEmpty()) {
        traced = new ArrayList<>(answers);
        traced.addAll(shadowAnswers);
      }
      result.count(j, answers, decision);
      if (!decision.hasWinner()) {
        out.deadLetter(batch, i, DeadLetter.Stage.SCORE, decision.reason());
        continue;
      }
      ModelAnswer win = answers.get(decision.winner());
      ServedModel winner = set.get(win.getModelName());
      ModelOutput output = decision.combined() != null ? decision.combined() : win.getOutput();
      DecisionTrace trace = new DecisionTrace(policy.name(), traced, win.getModelName(), decision.reason());
      ScoredRecord<T> record = new ScoredRecord<>(batch.record(i), batch.dataType(), output, winner.ref.name,
          winner.ref.version, winner.ref.uuid, winner.ref.format, policy.name() + "/" + decision.rule(), servedAt,
          win.getLatencyNanos(), result.callSize(win.getModelName()), trace);
      if (decision.toReview()) {
        out.review(record, batch.timestampMillis(i));
      } else {
        scored++;
        out.scored(record, batch.timestampMillis(i));
      }
      if (!shadowAnswers.isEmpty()) {
        compared++;
        compare(batch, i, win, shadowAnswers, plan.shadowTolerance(), agreed, out);
      }
    }
    counters.scored.inc(scored);
    result.countBatch(counters, batch, out);
    countShadows(counters, batch, shadows, shadowOutcomes, agreed, compared, rows.features.size(), out);
  }

  /** The shadows' counters and status stats of one batch: agreements counted per record, incremented once. */
  private static <T> void countShadows(DataTypeCounters counters, RecordBatch<T> batch, List<ServedModel> shadows,
      ModelCalls.Outcome[] outcomes, int[] agreed, int compared, int rows, ServingOutputs<T> out) {
    for (int s = 0; s < shadows.size(); s++) {
      ModelCounters c = counters.model(shadows.get(s).ref);
      int agreedHere = agreed[s];
      if (agreedHere > 0) {
        c.shadowAgreed.inc(agreedHere);
      }
      if (compared - agreedHere > 0) {
        c.shadowDisagreed.inc(compared - agreedHere);
      }
      if (out.statusOn()) {
        ModelCalls.Outcome o = outcomes[s];
        boolean answered = o.status == ModelAnswer.Status.ANSWERED;
        int ok = 0;
        for (int j = 0; answered && j < rows; j++) {
          ok += o.scores.isScored(j) ? 1 : 0;
        }
        long micros = o.latencyNanos / 1000;
        int failed = answered ? rows - ok : o.status == ModelAnswer.Status.FAILED ? rows : 0;
        out.batchStats(new BatchStats(batch.dataType(), shadows.get(s).ref.uuid, ok, 0, failed, answered ? 1 : 0,
            answered ? micros : 0, answered ? micros : 0, answered ? micros : 0), batch.timestampMillis(0));
      }
    }
  }

  // ---- the two kinds of plans ------------------------------------------------------------------

  /** Every model of the plan scores every record. */
  private Result consulted(BatchServer.Rows rows, ServedSet set, Plan plan) {
    List<ServedModel> models = models(set, plan.models());
    int fast = plan.fastModel() == null ? -1 : plan.models().indexOf(plan.fastModel());
    ModelCalls.Outcome[] outcomes = calls.run(models, rows.features, plan.budget(), fast);
    Result result = new Result(models, rows.features.size());
    for (int m = 0; m < models.size(); m++) {
      result.setCall(m, m == fast ? "fast" : "model", outcomes[m], identity(rows.features.size()));
    }
    return result;
  }

  /** Each record goes to one model by the hash of its id. */
  private Result routed(RecordBatch<T> batch, BatchServer.Rows rows, ServedSet set, Plan plan) {
    List<ServedModel> models = models(set, plan.models());
    double[] weights = new double[models.size()];
    for (int m = 0; m < weights.length; m++) {
      weights[m] = plan.weight(m);
    }
    int n = rows.features.size();
    int[] modelOf = new int[n];
    int[] counts = new int[models.size()];
    for (int j = 0; j < n; j++) {
      modelOf[j] = models.size() == 1 ? 0 : StickyRouter.pick(StickyRouter.point(recordId(batch, rows.recordOf[j])), weights);
      counts[modelOf[j]]++;
    }
    Result result = new Result(models, n);
    result.modelOf = modelOf;
    for (int m = 0; m < models.size(); m++) {
      if (counts[m] == 0) {
        continue;
      }
      List<Features> part = new ArrayList<>(counts[m]);
      int[] rowsOfPart = new int[counts[m]];
      for (int j = 0; j < n; j++) {
        if (modelOf[j] == m) {
          rowsOfPart[part.size()] = j;
          part.add(rows.features.get(j));
        }
      }
      ModelCalls.Outcome outcome = calls.run(List.of(models.get(m)), part, null, -1)[0];
      result.setCall(m, "model", outcome, rowsOfPart);
    }
    return result;
  }

  private ModelCalls.Outcome[] awaitShadows(PolicyExecutor.Call<ModelCalls.Outcome[]> call, List<ServedModel> shadows,
      List<Features> features) {
    if (call == null) {
      return calls.run(shadows, features, null, -1); // the executor is full: score them here
    }
    try {
      return call.future().get();
    } catch (Exception e) {
      ModelCalls.Outcome[] failed = new ModelCalls.Outcome[shadows.size()];
      for (int s = 0; s < failed.length; s++) {
        failed[s] = new ModelCalls.Outcome(ModelAnswer.Status.FAILED, null, "the shadow call failed: " + e, 0);
      }
      return failed;
    }
  }

  // ---- per record ------------------------------------------------------------------------------

  private void compare(RecordBatch<T> batch, int i, ModelAnswer primary, List<ModelAnswer> shadowAnswers,
      double tolerance, int[] agreed, ServingOutputs<T> out) {
    for (int s = 0; s < shadowAnswers.size(); s++) {
      ModelAnswer shadow = shadowAnswers.get(s);
      boolean agree = shadow.answered() && agree(primary.getOutput(), shadow.getOutput(), tolerance);
      if (agree) {
        agreed[s]++;
      }
      out.comparison(new ShadowComparison(recordId(batch, i), batch.dataType(), primary, shadow, agree),
          batch.timestampMillis(i));
    }
  }

  static boolean agree(ModelOutput a, ModelOutput b, double tolerance) {
    if (a.getLabel() != null || b.getLabel() != null) {
      return Objects.equals(a.getLabel(), b.getLabel());
    }
    return a.getValue() != null && b.getValue() != null && Math.abs(a.getValue() - b.getValue()) <= tolerance;
  }

  private String recordId(RecordBatch<T> batch, int i) {
    return config.recordIdOf(batch.record(i));
  }

  private static List<ServedModel> models(ServedSet set, List<String> names) {
    List<ServedModel> models = new ArrayList<>(names.size());
    for (String name : names) {
      models.add(Objects.requireNonNull(set.get(name), () -> "the set has no model '" + name + "'"));
    }
    return models;
  }

  private static ModelAnswer answer(ServedModel m, String role, ModelCalls.Outcome o, int row) {
    if (o.status != ModelAnswer.Status.ANSWERED) {
      return new ModelAnswer(m.ref.name, m.ref.version, m.ref.uuid, role, o.status, null, o.failure, o.latencyNanos);
    }
    BatchScores s = o.scores;
    return s.isScored(row)
        ? new ModelAnswer(m.ref.name, m.ref.version, m.ref.uuid, role, ModelAnswer.Status.ANSWERED, s.output(row), null,
            o.latencyNanos)
        : new ModelAnswer(m.ref.name, m.ref.version, m.ref.uuid, role, ModelAnswer.Status.FAILED, null, s.failure(row),
            o.latencyNanos);
  }

  private static int[] identity(int n) {
    int[] rows = new int[n];
    for (int j = 0; j < n; j++) {
      rows[j] = j;
    }
    return rows;
  }

  private static final int ANSWERED = 0;
  private static final int WON = 1;
  private static final int LOST = 2;
  private static final int TIMED_OUT = 3;
  private static final int FAILED = 4;
  private static final int SKIPPED = 5;
  private static final int DEAD_LETTERED = 6;
  private static final int OUTCOMES = 7;

  /** The answers of the plan's models for every record of a batch. */
  private final class Result {
    private final List<ServedModel> models;
    private final ModelAnswer[][] byModel;
    private final int[] callSize;
    private final long[] latencyNanos;
    /** Routed plans: the model each record went to. */
    int[] modelOf;
    /** Per model, records by outcome ({@link #ANSWERED} ... {@link #DEAD_LETTERED}): counted per record, flushed per batch. */
    private final int[][] tally;

    Result(List<ServedModel> models, int rows) {
      this.models = models;
      this.tally = new int[models.size()][OUTCOMES];
      this.byModel = new ModelAnswer[models.size()][rows];
      this.callSize = new int[models.size()];
      this.latencyNanos = new long[models.size()];
      java.util.Arrays.fill(latencyNanos, -1);
    }

    void setCall(int m, String role, ModelCalls.Outcome outcome, int[] rowsOfCall) {
      callSize[m] = rowsOfCall.length;
      for (int k = 0; k < rowsOfCall.length; k++) {
        byModel[m][rowsOfCall[k]] = answer(models.get(m), role, outcome, k);
      }
      if (outcome.status == ModelAnswer.Status.ANSWERED) {
        latencyNanos[m] = outcome.latencyNanos;
      }
    }

    /** Counts what each model consulted for record {@code row} did with it ({@code answers}: {@link #answers}). */
    void count(int row, List<ModelAnswer> answers, Decision decision) {
      for (int k = 0; k < answers.size(); k++) {
        int[] t = tally[modelOf != null ? modelOf[row] : k];
        switch (answers.get(k).getStatus()) {
          case ANSWERED:
            t[ANSWERED]++;
            t[k == decision.winner() ? WON : LOST]++;
            break;
          case TIMED_OUT:
            t[TIMED_OUT]++;
            break;
          case FAILED:
            t[FAILED]++;
            if (!decision.hasWinner()) {
              t[DEAD_LETTERED]++;
            }
            break;
          default:
            t[SKIPPED]++;
        }
      }
    }

    /** Increments each model's counters once for the batch, and reports its stats to the status stream. */
    void countBatch(DataTypeCounters counters, RecordBatch<T> batch, ServingOutputs<T> out) {
      for (int m = 0; m < models.size(); m++) {
        int[] t = tally[m];
        ModelCounters c = counters.model(models.get(m).ref);
        inc(c.scored, t[ANSWERED]);
        inc(c.won, t[WON]);
        inc(c.lost, t[LOST]);
        inc(c.timedOut, t[TIMED_OUT]);
        inc(c.failed, t[FAILED]);
        inc(c.skipped, t[SKIPPED]);
        inc(c.deadLettered, t[DEAD_LETTERED]);
        if (out.statusOn() && t[ANSWERED] + t[FAILED] > 0) {
          boolean called = latencyNanos[m] >= 0;
          long micros = called ? latencyNanos[m] / 1000 : 0;
          out.batchStats(new BatchStats(batch.dataType(), models.get(m).ref.uuid, t[ANSWERED], t[WON], t[FAILED],
              called ? 1 : 0, micros, micros, micros), batch.timestampMillis(0));
        }
      }
    }

    private void inc(org.apache.beam.sdk.metrics.Counter counter, int n) {
      if (n > 0) {
        counter.inc(n);
      }
    }

    /** One latency sample and one batch per model call, not per record. */
    void recordCalls(DataTypeCounters counters) {
      for (int m = 0; m < models.size(); m++) {
        if (latencyNanos[m] >= 0) {
          counters.batches.inc();
          counters.model(models.get(m).ref).latencyMicros.update(latencyNanos[m] / 1000);
        }
      }
    }

    List<ModelAnswer> answers(int row) {
      if (modelOf != null) {
        return List.of(byModel[modelOf[row]][row]);
      }
      List<ModelAnswer> answers = new ArrayList<>(models.size());
      for (ModelAnswer[] model : byModel) {
        answers.add(model[row]);
      }
      return answers;
    }

    Decision routedDecision(int row, Plan plan) {
      ModelAnswer a = byModel[modelOf[row]][row];
      if (!a.answered()) {
        return Decision.none("the model the record was routed to, '" + a.getModelName() + "', did not answer: "
            + a.getFailure());
      }
      return Decision.win(0, plan.models().size() == 1 ? "all" : "weight",
          "routed to '" + a.getModelName() + "' by " + plan.why());
    }

    int callSize(String name) {
      for (int m = 0; m < models.size(); m++) {
        if (models.get(m).ref.name.equals(name)) {
          return callSize[m];
        }
      }
      return 0;
    }
  }
}
