package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * Turns records into the input tensors of a session run: one row per record along the inputs'
 * leading (batch) dimension. Immutable and thread-safe; each run gathers its records in its own
 * {@link Batch}.
 */
interface InputFeed {

  /** {@link #batchSize()} of inputs whose batch dimension is free (-1 or unknown). */
  int ANY_BATCH = 0;

  /** The record fields read, in feed order. */
  List<String> requiredFields();

  /**
   * The number of records one run takes: {@link #ANY_BATCH}; 1 when the model takes one record at
   * a time (a scalar input, or a batch dimension fixed at 1); or the fixed batch dimension n &gt;
   * 1, in which case every run is fed exactly n rows.
   */
  int batchSize();

  /** An empty batch with room for {@code rows} rows, the padding included. */
  Batch newBatch(int rows);

  /**
   * The {@link #batchSize()} of one input of this declared shape: 1 for a scalar, the leading
   * dimension when it is fixed, else {@link #ANY_BATCH}.
   */
  static int batchSizeOf(Shape declared) {
    int rank = TensorDescriptions.rank(declared);
    if (rank == 0) {
      return 1;
    }
    return rank > 0 && declared.get(0) > 0 ? Math.toIntExact(declared.get(0)) : ANY_BATCH;
  }

  /**
   * The values of one run's records, read into one array per input before any tensor is made. Used
   * by one thread for one run.
   */
  interface Batch {

    /**
     * Reads the record's values into the next row.
     *
     * @throws InvalidRecordException if a value cannot be fed; the row stays free for the next
     *     record
     */
    void add(Features features) throws InvalidRecordException;

    /** The number of records added. */
    int size();

    /**
     * Creates the input tensors with {@code rows} rows (rows past {@link #size()} repeat the last
     * record, for a model with a fixed batch size) and feeds them to the runner. Every tensor
     * created is added to {@code created} first, so that the caller closes it whatever happens.
     */
    void feed(Session.Runner runner, int rows, List<Tensor> created);
  }
}
