package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.servingCounters;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-model metrics under the default policy after a bounded run, as a file run makes one: each
 * model's scored and dead-lettered records, loads, swaps and rejections, and its latency
 * distribution, read from the run's MetricResults; and every data type's records balance. In keyed
 * mode over two shards (a swap counts once, not once per shard) and in broadcast mode.
 */
@ExtendWith(TestPipelineExtension.class)
class PerModelMetricsTest {
  private static final ModelDescriptor WINE = linear("wine-linear", "1", "pm-wine", "bias=1;x=2;y=-1");
  private static final ModelDescriptor BEER = linear("beer-linear", "1", "pm-beer", "bias=5;x=1")
      .toBuilder().setDataType("beer").build();
  private static final ModelDescriptor BROKEN = linear("wine-broken", "1", "pm-broken", "x=;y=1");

  @Test
  void keyedMode(TestPipeline p) {
    checkCounters(run(p, ServingTestSupport.serveModels().withShards(2), true), true);
  }

  /**
   * Wine only: with models of two data types, the DirectRunner may serve a bounded run's records
   * with a side input that has the models of one data type but not yet the other's.
   */
  @Test
  void broadcastMode(TestPipeline p) {
    checkCounters(run(p, ServingTestSupport.serveModels().withMode(ServingMode.BROADCAST), false), false);
  }

  private static PipelineResult run(TestPipeline p, ServeModels<KV<String, String>> serve, boolean beer) {
    List<KV<String, String>> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(KV.of("wine", "id=w" + i + ";x=" + i + ";y=1"));
    }
    for (int i = 0; i < 3; i++) {
      records.add(KV.of("wine", "id=n" + i + ";x=1;y=oops")); // the model fails on them
    }
    for (int i = 0; i < 2; i++) {
      records.add(KV.of("wine", "id=f" + i + ";garbage")); // the feature extractor fails on them
    }
    for (int i = 0; beer && i < 10; i++) {
      records.add(KV.of("beer", "id=b" + i + ";x=" + i));
    }
    records.add(KV.of("cider", "id=c0;x=1")); // not a served data type
    PCollection<KV<String, String>> input = p.apply("Records",
        Create.of(records).withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    PCollection<ModelDescriptor> models = p.apply("Models",
        Create.of(beer ? List.of(WINE, BEER, BROKEN) : List.of(WINE, BROKEN)).withCoder(ModelDescriptorCoder.of()));
    var result = input.apply("Serve", serve.withModels(models).withDataTypes(Set.of("wine", "beer")));
    PAssert.that(result.getUnserved()).empty();
    PipelineResult run = p.run();
    run.waitUntilFinish();
    return run;
  }

  private static void checkCounters(PipelineResult run, boolean beer) {
    Map<String, Long> counters = servingCounters(run);
    Map<String, Long> perModel = new TreeMap<>();
    counters.forEach((name, value) -> {
      if (name.contains("@")) {
        perModel.put(name, value);
      }
    });
    Map<String, Long> expected = new TreeMap<>();
    expected.put("wine/wine-linear@1/scored", 30L);
    expected.put("wine/wine-linear@1/dead-lettered", 3L);
    expected.put("wine/wine-linear@1/loads", 1L);
    expected.put("wine/wine-linear@1/swaps", 1L);
    expected.put("wine/wine-broken@1/load-failures", 1L);
    if (beer) {
      expected.put("beer/beer-linear@1/scored", 10L);
      expected.put("beer/beer-linear@1/loads", 1L);
      expected.put("beer/beer-linear@1/swaps", 1L);
      assertThat(ServingMetricsTest.latencyCalls(run, "beer/beer-linear@1"), greaterThanOrEqualTo(1L));
    }
    assertThat("all counters " + counters, perModel, equalTo(expected));
    assertThat(ServingMetricsTest.latencyCalls(run, "wine/wine-linear@1"), greaterThanOrEqualTo(1L));

    // Every data type's records balance: in = scored + review + dead-lettered + unserved.
    for (String dataType : List.of("wine", "beer", "unknown")) {
      long in = counters.getOrDefault(dataType + "/received", 0L);
      long out = counters.getOrDefault(dataType + "/scored", 0L) + counters.getOrDefault(dataType + "/review", 0L)
          + counters.getOrDefault(dataType + "/dead-lettered", 0L) + counters.getOrDefault(dataType + "/unserved", 0L);
      assertThat("records of " + dataType + " balance: " + counters, out, equalTo(in));
    }
    assertThat(counters.get("wine/received"), equalTo(35L));
    assertThat(counters.get("wine/dead-lettered"), equalTo(5L));
    assertThat(counters.get("unknown/received"), equalTo(1L));
  }
}
