package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * A stream with every outcome: records held then scored, one past the hold limit, a data type whose
 * model never comes, bad records, a rejected model and a model swap.
 */
final class MixedTraffic {
  static final ModelDescriptor V1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");
  static final ModelDescriptor V2 = linear("wine-linear", "2", "uuid-2", "bias=0;x=1;y=1");
  static final ModelDescriptor CORRUPT = linear("wine-linear", "3", "uuid-corrupt", "x=;y=1");

  /** Held, then scored by V1. */
  static final List<KV<String, String>> EARLY = List.of(wine("id=e1;x=1;y=1"), wine("id=e2;x=2;y=1"));
  /** Arrives when the hold (2 records) is full: unserved. */
  static final KV<String, String> PAST_HOLD_LIMIT = wine("id=e3;x=3;y=1");
  /** Beer is served, but no beer model ever arrives: unserved when the input ends. */
  static final List<KV<String, String>> BEER = List.of(KV.of("beer", "id=b1;x=1;y=1"), KV.of("beer", "id=b2;x=1;y=1"));
  static final List<KV<String, String>> GOOD_V1 = List.of(
      wine("id=g1;x=1;y=1"), wine("id=g2;x=2;y=2"), wine("id=g3;x=3;y=3"), wine("id=g4;x=4;y=4"));
  /** Missing feature, non-numeric value, unparseable features: dead letters of wine. */
  static final List<KV<String, String>> BAD_WINE = List.of(
      wine("id=d1;x=1"), wine("id=d2;x=1;y=many"), wine("id=d3;garbage"));
  /** A data type that is not served: a dead letter counted as "unknown". */
  static final KV<String, String> CIDER = KV.of("cider", "id=c1;x=1;y=1");
  static final List<KV<String, String>> GOOD_V2 = List.of(wine("id=g5;x=5;y=5"), wine("id=g6;x=6;y=6"));

  static final int SCORED = 2 + 4 + 2;
  static final int DEAD_LETTERS = 3 + 1;
  static final int UNSERVED = 1 + 2;

  private MixedTraffic() {}

  /** Every record of the stream. */
  static List<KV<String, String>> allRecords() {
    List<KV<String, String>> all = new ArrayList<>(EARLY);
    all.add(PAST_HOLD_LIMIT);
    all.addAll(BEER);
    all.addAll(GOOD_V1);
    all.addAll(BAD_WINE);
    all.add(CIDER);
    all.addAll(GOOD_V2);
    return all;
  }

  static Arrivals arrivals() {
    return Arrivals.stream()
        .records(EARLY).records(PAST_HOLD_LIMIT).records(BEER)
        .model(V1).records(GOOD_V1)
        .records(BAD_WINE).records(CIDER)
        .model(CORRUPT)
        .model(V2).records(GOOD_V2);
  }

  /** In order: the corrupt model's own failure is reported even though V2 follows it at once. */
  static ServeModels<KV<String, String>> serveModels() {
    return ServingTestSupport.serveModels()
        .withSwapPolicy(SwapPolicy.IN_ORDER)
        .withShards(1) // the hold limit is per key
        .withDataTypes(Set.of("wine", "beer"))
        .withNoModelPolicy(NoModelPolicy.hold(2, Duration.standardHours(1)));
  }
}
