package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * Scores records with a loaded TensorFlow session: feeds the records' tensors, fetches the chosen
 * outputs and decodes them. The session, graph and feeds are built once at load; a call allocates
 * only one array and one tensor per input, and a runner. Thread-safe: {@link Session} runs
 * concurrently.
 *
 * <p>{@link #scoreBatch} makes one run for the whole batch, one row per record. A record whose
 * values cannot be fed fails alone and is left out of the tensors. A model whose outputs are
 * declared without the batch dimension (a scalar, or a fixed leading dimension) is scored record by
 * record. When a run fails, or its outputs do not have one row per record (a model that does not
 * batch though its declared shapes allowed it), the batch is scored record by record instead; a
 * model found not to batch is scored one record per run from then on. An output of undeclared
 * shape whose size happens to equal the number of rows cannot be told from one that batches.
 */
final class TensorScorer implements Scorer {
  private static final Logger LOG = LoggerFactory.getLogger(TensorScorer.class);

  private final Session session;
  private final InputFeed input;
  private final List<Output<?>> fetches;
  private final OutputDecoder decoder;
  private final List<AutoCloseable> resources;
  private final Path temporaryDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Cleared once a run showed that the model does not score several records at once. */
  private volatile boolean batches;

  /**
   * @param resources closed in order by {@link #close()} (e.g. the session, then its graph)
   * @param temporaryDirectory deleted by {@link #close()}, or null
   */
  TensorScorer(
      Session session,
      InputFeed input,
      List<Output<?>> fetches,
      OutputDecoder decoder,
      List<AutoCloseable> resources,
      Path temporaryDirectory) {
    this.session = session;
    this.input = input;
    this.fetches = List.copyOf(fetches);
    this.decoder = decoder;
    this.resources = List.copyOf(resources);
    this.temporaryDirectory = temporaryDirectory;
    this.batches = input.batchSize() != 1 && followsBatch(input, decoder);
  }

  /** False if the outputs are declared without the inputs' batch dimension. */
  private static boolean followsBatch(InputFeed input, OutputDecoder decoder) {
    String mismatch = decoder.declaredRowMismatch(input.batchSize());
    if (mismatch != null) {
      LOG.info(
          "TensorFlow model reading {} is scored one record per run: {}",
          input.requiredFields(),
          mismatch);
    }
    return mismatch == null;
  }

  @Override
  public List<String> requiredFields() {
    return input.requiredFields();
  }

  @Override
  public ModelOutput score(Features features) throws InvalidRecordException {
    int rows = rowsFor(1);
    InputFeed.Batch batch = input.newBatch(rows);
    batch.add(features);
    List<Tensor> created = new ArrayList<>();
    try (Result result = run(batch, rows, created)) {
      String mismatch = decoder.rowMismatch(result, rows);
      if (mismatch != null) {
        throw new InvalidRecordException(
            "the model's outputs do not have one row per record: " + mismatch);
      }
      return decoder.rows(result, rows).decode(0);
    } catch (RuntimeException e) {
      throw new InvalidRecordException(
          "TensorFlow could not score the record: " + e.getMessage(), e);
    } finally {
      closeAll(created);
    }
  }

  /**
   * Scores the batch in one run (in runs of the model's fixed batch size, if it has one), or
   * record by record for a model that takes one record per run.
   */
  @Override
  public BatchScores scoreBatch(List<Features> batch) {
    BatchScores scores = BatchScores.of(batch.size());
    int perRun = maxBatchSize();
    if (perRun == 1 || batch.size() == 1) {
      scoreEach(batch, 0, batch.size(), scores);
      return scores;
    }
    for (int from = 0; from < batch.size(); from += perRun) {
      scoreRun(batch, from, Math.min(batch.size(), from + perRun), scores);
    }
    return scores;
  }

  /**
   * The model's fixed batch size when its inputs declare one; 1 when it takes one record per run
   * (a scalar input, a batch dimension fixed at 1, outputs declared or found not to batch); else
   * no limit.
   */
  @Override
  public int maxBatchSize() {
    if (!batches) {
      return 1;
    }
    int size = input.batchSize();
    return size == InputFeed.ANY_BATCH ? Integer.MAX_VALUE : size;
  }

  /** Scores records {@code from .. to - 1} of the batch in one run, or one by one if it fails. */
  private void scoreRun(List<Features> batch, int from, int to, BatchScores scores) {
    if (!batches) {
      scoreEach(batch, from, to, scores);
      return;
    }
    InputFeed.Batch values = input.newBatch(rowsFor(to - from));
    int[] slots = new int[to - from];
    for (int i = from; i < to; i++) {
      try {
        values.add(batch.get(i));
        slots[values.size() - 1] = i;
      } catch (InvalidRecordException e) {
        scores.setFailure(i, e.getMessage());
      }
    }
    int n = values.size();
    if (n == 0) {
      return;
    }
    try {
      String mismatch = runAndDecode(values, slots, scores);
      if (mismatch != null) {
        stopBatching("its outputs do not have one row per record: " + mismatch);
        scoreEach(batch, slots, n, scores);
      }
    } catch (RuntimeException e) {
      // A record may have made the run fail: score each alone. If each scores, the batch was at
      // fault, not a record.
      if (scoreEach(batch, slots, n, scores) && n > 1) {
        stopBatching("a run of " + n + " records failed, each record alone did not: " + e);
      }
    }
  }

  /**
   * Runs the session on the batch's records and sets each one's output or failure in {@code
   * scores}, at the batch index {@code slots[row]}.
   *
   * @return null when done; else why the outputs do not have one row per record (nothing set)
   * @throws RuntimeException if TensorFlow fails on the run
   */
  private String runAndDecode(InputFeed.Batch values, int[] slots, BatchScores scores) {
    int n = values.size();
    int rows = rowsFor(n);
    List<Tensor> created = new ArrayList<>();
    try (Result result = run(values, rows, created)) {
      String mismatch = decoder.rowMismatch(result, rows);
      if (mismatch != null) {
        return mismatch;
      }
      OutputDecoder.Rows outputs = decoder.rows(result, rows);
      for (int r = 0; r < n; r++) {
        try {
          scores.setOutput(slots[r], outputs.decode(r));
        } catch (InvalidRecordException e) {
          scores.setFailure(slots[r], e.getMessage());
        }
      }
      return null;
    } finally {
      closeAll(created);
    }
  }

  /** One session run on {@code rows} rows of the batch's records. The caller closes the result. */
  private Result run(InputFeed.Batch values, int rows, List<Tensor> created) {
    Session.Runner runner = session.runner();
    values.feed(runner, rows, created);
    for (Output<?> fetch : fetches) {
      runner.fetch(fetch);
    }
    return runner.run();
  }

  /** The rows fed for {@code records} records: the model's fixed batch size if it has one. */
  private int rowsFor(int records) {
    int fixed = input.batchSize();
    return fixed > 1 ? fixed : records;
  }

  private void scoreEach(List<Features> batch, int from, int to, BatchScores scores) {
    for (int i = from; i < to; i++) {
      Scorer.scoreInto(this, batch.get(i), scores, i);
    }
  }

  /** Scores the records at {@code slots[0 .. n - 1]} one by one; true if all of them scored. */
  private boolean scoreEach(List<Features> batch, int[] slots, int n, BatchScores scores) {
    boolean all = true;
    for (int r = 0; r < n; r++) {
      Scorer.scoreInto(this, batch.get(slots[r]), scores, slots[r]);
      all &= scores.isScored(slots[r]);
    }
    return all;
  }

  private void stopBatching(String reason) {
    if (batches) {
      batches = false;
      LOG.warn(
          "TensorFlow model reading {} does not score batches; scoring one record per run from"
              + " now on: {}",
          requiredFields(),
          reason);
    }
  }

  /** The directory the model was unpacked to, or null; for tests. */
  Path temporaryDirectory() {
    return temporaryDirectory;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeAll(resources);
    ModelArchives.deleteRecursively(temporaryDirectory);
  }

  /** Closes each resource, ignoring failures: used on close and when a load fails half-way. */
  static void closeAll(List<? extends AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        if (r != null) {
          r.close();
        }
      } catch (Exception ignored) {
        // nothing more can be done about a native handle that will not close
      }
    }
  }
}
