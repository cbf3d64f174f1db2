package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.record.ModelAnswer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.joda.time.Duration;

/**
 * Calls several models on the same records, one batched call each (chunked by the model's limit):
 * one after the other without a budget; with one, concurrently on the {@link PolicyExecutor} while
 * the fast model runs on the calling thread, keeping what arrived by the deadline. The fast model
 * is always waited for; without one, the first answer is waited for past the deadline, or a model
 * skipped as busy scores on the calling thread, so a record is never left without an answer
 * because every model was slow.
 */
final class ModelCalls {
  /** How one model's call ended. */
  static final class Outcome {
    final ModelAnswer.Status status;
    /** The scores of every record, when the call ended in time. */
    final BatchScores scores;
    final String failure;
    final long latencyNanos;

    Outcome(ModelAnswer.Status status, BatchScores scores, String failure, long latencyNanos) {
      this.status = status;
      this.scores = scores;
      this.failure = failure;
      this.latencyNanos = latencyNanos;
    }

    static Outcome skipped(String why) {
      return new Outcome(ModelAnswer.Status.SKIPPED, null, why, 0);
    }
  }

  private final PolicyExecutor executor;
  private final int maxBatch;

  /** @param maxBatch the most records of one model call (the batch limit); a model's own limit may be lower */
  ModelCalls(PolicyExecutor executor, int maxBatch) {
    this.executor = executor;
    this.maxBatch = maxBatch;
  }

  /**
   * Scores {@code features} with every model; {@code fast} is the index of the model always waited
   * for (-1: none), {@code budget} null for no deadline.
   */
  Outcome[] run(List<ServedModel> models, List<Features> features, Duration budget, int fast) {
    Outcome[] outcomes = new Outcome[models.size()];
    if (budget == null) {
      for (int i = 0; i < models.size(); i++) {
        outcomes[i] = callHere(models.get(i), features);
      }
      return outcomes;
    }
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(budget.getMillis());
    @SuppressWarnings("unchecked")
    PolicyExecutor.Call<Outcome>[] calls = new PolicyExecutor.Call[models.size()];
    for (int i = 0; i < models.size(); i++) {
      if (i != fast) {
        calls[i] = start(models.get(i), features, outcomes, i);
      }
    }
    if (fast >= 0) {
      outcomes[fast] = callHere(models.get(fast), features);
    }
    boolean anyAnswer = fast >= 0 && outcomes[fast].status == ModelAnswer.Status.ANSWERED;
    for (int i = 0; i < models.size(); i++) {
      if (calls[i] != null) {
        outcomes[i] = await(calls[i], deadline - System.nanoTime(), budget);
        anyAnswer |= outcomes[i].status == ModelAnswer.Status.ANSWERED;
      }
    }
    if (!anyAnswer) {
      waitForFirst(calls, outcomes);
      anyAnswer = answered(outcomes);
    }
    if (!anyAnswer) {
      answerHere(models, features, outcomes);
    }
    return outcomes;
  }

  private static boolean answered(Outcome[] outcomes) {
    for (Outcome o : outcomes) {
      if (o.status == ModelAnswer.Status.ANSWERED) {
        return true;
      }
    }
    return false;
  }

  /**
   * Nothing answered and nothing is left to wait for (the models were skipped as busy, or the
   * executor was full): the first loaded model scores here, so the records still get an answer.
   */
  private void answerHere(List<ServedModel> models, List<Features> features, Outcome[] outcomes) {
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).isLoaded() && outcomes[i].status == ModelAnswer.Status.SKIPPED) {
        outcomes[i] = callHere(models.get(i), features);
        return;
      }
    }
  }

  private PolicyExecutor.Call<Outcome> start(ServedModel m, List<Features> features, Outcome[] outcomes, int i) {
    if (!m.isLoaded()) {
      outcomes[i] = Outcome.skipped("not loaded in this worker yet");
      return null;
    }
    if (executor.isOverdue(m.ref.uuid)) {
      outcomes[i] = Outcome.skipped("still busy with an earlier batch that missed its budget");
      return null;
    }
    PolicyExecutor.Call<Outcome> call = executor.submit(m.ref.uuid, () -> callHere(m, features));
    if (call == null) {
      outcomes[i] = Outcome.skipped("the policy executor is full");
    }
    return call;
  }

  private static Outcome await(PolicyExecutor.Call<Outcome> call, long remainingNanos, Duration budget) {
    try {
      return call.future().get(Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.abandon();
      return new Outcome(ModelAnswer.Status.TIMED_OUT, null, "no answer within the " + budget.getMillis() + " ms budget",
          TimeUnit.MILLISECONDS.toNanos(budget.getMillis()));
    } catch (ExecutionException e) {
      return new Outcome(ModelAnswer.Status.FAILED, null, "the model call failed: " + e.getCause(), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.abandon();
      return new Outcome(ModelAnswer.Status.TIMED_OUT, null, "interrupted while waiting", 0);
    }
  }

  /** No model answered in time and none is guaranteed: take the first abandoned call that ends. */
  private static void waitForFirst(PolicyExecutor.Call<Outcome>[] calls, Outcome[] outcomes) {
    while (true) {
      boolean pending = false;
      for (int i = 0; i < calls.length; i++) {
        if (calls[i] != null && outcomes[i].status == ModelAnswer.Status.TIMED_OUT) {
          pending = true;
          if (calls[i].future().isDone()) {
            try {
              outcomes[i] = calls[i].future().get();
              return;
            } catch (ExecutionException | InterruptedException e) {
              outcomes[i] = new Outcome(ModelAnswer.Status.FAILED, null, "the model call failed: " + e, 0);
            }
          }
        }
      }
      if (!pending) {
        return;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Outcome callHere(ServedModel m, List<Features> features) {
    if (!m.isLoaded()) {
      return Outcome.skipped("not loaded in this worker yet");
    }
    long start = System.nanoTime();
    BatchScores scores = BatchServer.scoreAll(m.model.scorer(), features, BatchServer.chunkOf(m.model.scorer(), maxBatch));
    return new Outcome(ModelAnswer.Status.ANSWERED, scores, null, System.nanoTime() - start);
  }
}
