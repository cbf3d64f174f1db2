package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.servingCounters;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Beam counters of {@link ServingMetrics}, on one runner thread so that every count is exact
 * (model-loads is exact on many threads too: see {@code ModelSharingTest}).
 */
class ServingMetricsTest {
  @RegisterExtension
  final TestPipelineExtension pipeline = TestPipelineExtension.fromOptions(singleThreaded());

  @Test
  void countersAddUpForMixedTraffic(TestPipeline p) {
    var result = serve(p, MixedTraffic.arrivals(), MixedTraffic.serveModels());
    PAssert.that(result.getRejectedModels()).satisfies(ServingTestSupport.rejected(
        Map.of(MixedTraffic.CORRUPT.getUuid(), List.of("is not a number"))));

    PipelineResult run = p.run();
    run.waitUntilFinish();

    Map<String, Long> expected = new TreeMap<>();
    expected.put("wine/received", 12L);
    expected.put("wine/scored", (long) MixedTraffic.SCORED);
    expected.put("wine/dead-lettered", 3L);
    expected.put("wine/unserved", 1L);
    expected.put("wine/model-loads", 2L);
    expected.put("wine/model-load-failures", 1L);
    expected.put("wine/batches", 4L); // held e1+e2, g1..g4, d1+d2 (d3 fails feature extraction), g5+g6
    expected.put("beer/received", 2L);
    expected.put("beer/unserved", 2L);
    expected.put("unknown/received", 1L);
    expected.put("unknown/dead-lettered", 1L);
    // per model, under the default policy: v1 scored the held, good and two bad records (d3 fails
    // feature extraction, which is not the model's failure), the corrupt v3 was rejected, v2 took over
    expected.put("wine/wine-linear@1/scored", 6L);
    expected.put("wine/wine-linear@1/dead-lettered", 2L);
    expected.put("wine/wine-linear@1/loads", 1L);
    expected.put("wine/wine-linear@1/swaps", 1L);
    expected.put("wine/wine-linear@3/load-failures", 1L);
    expected.put("wine/wine-linear@2/scored", 2L);
    expected.put("wine/wine-linear@2/loads", 1L);
    expected.put("wine/wine-linear@2/swaps", 1L);
    assertThat(servingCounters(run), equalTo(expected));
    // one latency sample per model call: v1 made three (held e1+e2, g1..g4, d1+d2), v2 one
    assertThat(latencyCalls(run, "wine/wine-linear@1"), equalTo(3L));
    assertThat(latencyCalls(run, "wine/wine-linear@2"), equalTo(1L));
  }

  /** The number of samples in a model's latency distribution, after checking min <= mean <= max. */
  static long latencyCalls(PipelineResult run, String model) {
    MetricQueryResults metrics = run.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(ServingMetrics.NAMESPACE, model + "/" + ServingMetrics.MODEL_LATENCY))
        .build());
    long calls = 0;
    for (MetricResult<DistributionResult> d : metrics.getDistributions()) {
      DistributionResult r = d.getAttempted();
      assertThat((double) r.getMin(), lessThanOrEqualTo(r.getMean()));
      assertThat(r.getMean(), lessThanOrEqualTo((double) r.getMax()));
      calls += r.getCount();
    }
    return calls;
  }

  @Test
  void theSameModelArrivingAgainIsNotLoadedAgain(TestPipeline p) {
    ModelDescriptor v1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");
    KV<String, String> r1 = wine("id=r1;x=3;y=1");
    KV<String, String> r2 = wine("id=r2;x=0.5;y=4");
    KV<String, String> r3 = wine("id=r3;x=-2;y=0.25");
    var result = serve(p,
        Arrivals.stream().model(v1).records(r1).model(v1).records(r2).model(v1).records(r3),
        serveModels());

    PAssert.that(described(result.getScored())).containsInAnyOrder(
        scored(r1, 6.0, v1), scored(r2, -2.0, v1), scored(r3, -3.25, v1));
    PAssert.that(result.getRejectedModels()).empty();
    PipelineResult run = p.run();
    run.waitUntilFinish();

    assertThat(servingCounters(run), hasEntry("wine/model-loads", 1L));
  }

  private static DirectOptions singleThreaded() {
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(1);
    return options;
  }
}
