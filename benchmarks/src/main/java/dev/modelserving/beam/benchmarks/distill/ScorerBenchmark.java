package dev.modelserving.beam.benchmarks.distill;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A model as serving runs it: loaded once through its format plug-in ({@link ModelFormats}), then
 * one {@link Scorer#scoreBatch} call per operation on {@code batch} wines the model never saw, the
 * next slice of {@link #POOL} wines each time. The same harness for teacher and student, so their
 * figures compare.
 */
@State(Scope.Benchmark)
public class ScorerBenchmark {
  /** Wines prepared before the loop; the batches cycle through them. */
  static final int POOL = 4096;

  /** A serialized {@link ModelDescriptor} carrying the model's bytes. */
  @Param("")
  public String descriptorFile;

  /** Records per {@code scoreBatch} call. */
  @Param("1")
  public int batch;

  private Scorer scorer;
  private List<Features>[] batches;
  private int next;

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void load() throws Exception {
    ModelDescriptor model = ModelDescriptor.parseFrom(Files.readAllBytes(Path.of(descriptorFile)));
    scorer = ModelFormats.load(model);
    List<Features> wines = DistilWines.of(DistilWines.TEST_SEED, POOL);
    int slices = POOL / batch;
    batches = new List[slices];
    for (int i = 0; i < slices; i++) {
      batches[i] = wines.subList(i * batch, (i + 1) * batch);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    scorer.close();
  }

  /** One call on the next batch; returns the scores so that nothing is optimized away. */
  @Benchmark
  public BatchScores scoreBatch() {
    List<Features> b = batches[next];
    next = next + 1 == batches.length ? 0 : next + 1;
    return scorer.scoreBatch(b);
  }
}
