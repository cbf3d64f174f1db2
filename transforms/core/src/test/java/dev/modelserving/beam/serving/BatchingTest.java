package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.call;
import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.exactly;
import static dev.modelserving.beam.serving.ServingTestSupport.id;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import dev.modelserving.beam.serving.ServingTestSupport.Letter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records are scored in batches, one model call each: with the same results as one at a time, a
 * batch never mixes models, a bad record fails alone, and a small batch waits no longer than the
 * maximum wait.
 */
@ExtendWith(TestPipelineExtension.class)
class BatchingTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "batching-1", "bias=1;x=2;y=-1");
  private static final ModelDescriptor V2 = linear("wine-linear", "2", "batching-2", "bias=0;x=1;y=1");

  @Test
  void batchesScoreExactlyLikeOneRecordAtATime(TestPipeline p) {
    List<KV<String, String>> first = records("a", 40);
    List<KV<String, String>> second = records("b", 7);
    Inputs inputs = Inputs.of(p, Arrivals.stream().model(V1).records(first).records(second));
    var batched = inputs.serve("Batched", serveModels().withShards(1));
    var oneAtATime = inputs.serve("OneAtATime", serveModels().withShards(1).withBatchSize(1, 1));

    List<String> expected = new ArrayList<>();
    first.forEach(r -> expected.add(scored(r, 2 * x(r), V1)));
    second.forEach(r -> expected.add(scored(r, 2 * x(r), V1)));
    PAssert.that(described(batched.getScored())).containsInAnyOrder(expected);
    PAssert.that(described(oneAtATime.getScored())).containsInAnyOrder(expected);
    // Each arrival (one bundle here) was one model call, of 40 and of 7 records.
    PAssert.that(batched.getScored()).satisfies(callSizes(List.of(7, 40)));
    PAssert.that(oneAtATime.getScored()).satisfies(callSizes(List.of(
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)));
    p.run().waitUntilFinish();
  }

  @Test
  void aSwapBetweenTwoBatchesScoresEachBatchWithTheModelCurrentWhenItIsServed(TestPipeline p) {
    List<KV<String, String>> before = records("a", 30);
    List<KV<String, String>> after = records("b", 30);
    var result = serve(p, Arrivals.stream().model(V1).records(before).model(V2).records(after),
        serveModels().withShards(2));

    List<String> expected = new ArrayList<>();
    before.forEach(r -> expected.add(scored(r, 2 * x(r), V1)));
    after.forEach(r -> expected.add(scored(r, x(r) + 1, V2)));
    PAssert.that(described(result.getScored())).containsInAnyOrder(expected);
    PAssert.that(result.getScored()).satisfies(oneModelPerCall());
    p.run().waitUntilFinish();
  }

  @Test
  void aBadRecordInABatchIsDeadLetteredAloneAndTheRestOfTheBatchIsScored(TestPipeline p) {
    List<KV<String, String>> batch = records("r", 10);
    KV<String, String> bad = wine("id=r-bad;x=4;y=many");
    batch.add(5, bad);
    var result = serve(p, Arrivals.stream().model(V1).records(batch), serveModels().withShards(1));

    List<String> expected = new ArrayList<>();
    batch.stream().filter(r -> r != bad).forEach(r -> expected.add(scored(r, 2 * x(r), V1)));
    PAssert.that(described(result.getScored())).containsInAnyOrder(expected);
    // The ten good records were scored by the same call as the bad one: one call of 11 records.
    PAssert.that(result.getScored()).satisfies(callSizes(List.of(11)));
    PAssert.that(result.getDeadLetters()).satisfies(exactly(
        Letter.of(bad, DeadLetter.Stage.SCORE, "wine", "feature 'y' must be numeric but is 'many'", "batching-1")));
    p.run().waitUntilFinish();
  }

  /**
   * At a trickle, a batch smaller than the minimum waits at most the maximum wait: the processing
   * time timer scores it then, with the records that have come, and not when the minimum fills or
   * the input ends.
   */
  @Test
  void aSmallBatchWaitsNoLongerThanTheMaxWait(TestPipeline p) {
    KV<String, String> r1 = wine("id=t1;x=1;y=1");
    KV<String, String> r2 = wine("id=t2;x=2;y=1");
    KV<String, String> r3 = wine("id=t3;x=3;y=1");
    List<KV<String, String>> burst = records("u", 6);
    var result = serve(p,
        Arrivals.stream()
            .model(V1)
            .records(r1)
            .advanceProcessingTime(Duration.millis(400))
            .records(r2)
            .advanceProcessingTime(Duration.millis(700)) // 1.1 s after t1: its wait of 1 s is over
            .records(r3)
            .advanceProcessingTime(Duration.millis(1100))
            .records(burst), // at least the minimum: scored at once, alone
        serveModels().withShards(1).withBatchSize(5, 100).withMaxBatchWait(Duration.standardSeconds(1)));

    PAssert.that(result.getScored()).satisfies(scored -> {
      Map<Long, List<String>> idsByCall = new TreeMap<>();
      for (ScoredRecord<KV<String, String>> r : scored) {
        idsByCall.computeIfAbsent(call(r), c -> new ArrayList<>()).add(id(r));
      }
      List<List<String>> calls = idsByCall.values().stream()
          .map(ids -> ids.stream().sorted().collect(Collectors.toList()))
          .collect(Collectors.toList());
      assertThat("model calls, in order", calls, contains(
          List.of("t1", "t2"), List.of("t3"), List.of("u0", "u1", "u2", "u3", "u4", "u5")));
      return null;
    });
    p.run().waitUntilFinish();
  }

  /** Records with ids {@code prefix0..} whose x is their index and y is 1. */
  private static List<KV<String, String>> records(String prefix, int n) {
    List<KV<String, String>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(wine("id=" + prefix + i + ";x=" + i + ";y=1"));
    }
    return records;
  }

  private static double x(KV<String, String> record) {
    return Double.parseDouble(ServingTestSupport.featuresOf(record).get("x").toString());
  }

  /** Checks that the model calls scored exactly these numbers of records, and each record says its call's size. */
  private static SerializableFunction<Iterable<ScoredRecord<KV<String, String>>>, Void> callSizes(List<Integer> sizes) {
    return scored -> {
      Map<Long, List<ScoredRecord<KV<String, String>>>> byCall = new TreeMap<>();
      scored.forEach(r -> byCall.computeIfAbsent(call(r), c -> new ArrayList<>()).add(r));
      List<Integer> actual = new ArrayList<>();
      for (List<ScoredRecord<KV<String, String>>> records : byCall.values()) {
        actual.add(records.get(0).getBatchSize());
        assertThat("batch size of every record of a call",
            records.stream().map(ScoredRecord::getBatchSize).collect(Collectors.toList()),
            everyItem(equalTo(records.get(0).getBatchSize())));
      }
      assertThat("records per model call", actual, containsInAnyOrder(sizes.toArray()));
      return null;
    };
  }

  /** Checks that every model call scored its records with one model. */
  static SerializableFunction<Iterable<ScoredRecord<KV<String, String>>>, Void> oneModelPerCall() {
    return scored -> {
      Map<Long, Set<String>> modelsByCall = new TreeMap<>();
      scored.forEach(r -> modelsByCall.computeIfAbsent(call(r), c -> new HashSet<>()).add(r.getModelUuid()));
      for (Map.Entry<Long, Set<String>> e : modelsByCall.entrySet()) {
        assertThat("models of call " + e.getKey(), e.getValue(), hasSize(1));
      }
      return null;
    };
  }
}
