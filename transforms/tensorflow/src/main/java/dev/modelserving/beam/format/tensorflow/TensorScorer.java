package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * Scores records with a loaded TensorFlow session: feeds the record's tensors, fetches the chosen
 * outputs and decodes them. The session, graph and feeds are built once at load; a call allocates
 * only its input tensors and a runner. Thread-safe: {@link Session} runs concurrently.
 */
final class TensorScorer implements Scorer {
  private final Session session;
  private final InputFeed input;
  private final List<Output<?>> fetches;
  private final OutputDecoder decoder;
  private final List<AutoCloseable> resources;
  private final Path temporaryDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();

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
  }

  @Override
  public List<String> requiredFields() {
    return input.requiredFields();
  }

  @Override
  public ModelOutput score(Features features) throws InvalidRecordException {
    List<Tensor> created = new ArrayList<>(requiredFields().size());
    try {
      Session.Runner runner = session.runner();
      input.feed(runner, features, created);
      for (Output<?> fetch : fetches) {
        runner.fetch(fetch);
      }
      try (Result result = runner.run()) {
        return decoder.decode(result);
      }
    } catch (InvalidRecordException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidRecordException(
          "TensorFlow could not score the record: " + e.getMessage(), e);
    } finally {
      for (Tensor t : created) {
        t.close();
      }
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
  static void closeAll(List<AutoCloseable> resources) {
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
