package dev.modelserving.beam.benchmarks.policies;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.lessThan;

import dev.modelserving.beam.benchmarks.latency.Pipelines;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.serve.BundleSettings;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingMetrics;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy suite's pipelines on the local Flink mini-cluster: bounded runs under a policy answer
 * and count every record, with the model answers per record the policy asks for; a paced
 * speculative run reports every record of its window, with its decisions, to the probe.
 */
class PolicyJobsTest {
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir", "../testdata/files"));

  @TempDir Path work;

  private List<ModelDescriptor> copies(int n) {
    ModelFiles files = new ModelFiles(TESTDATA, work, WineForestTrainer.Params.of(3, 3));
    List<ModelDescriptor> all = List.of(PolicyModels.copy(files, BenchmarkModel.TREE, "wine-tree-a"),
        PolicyModels.copy(files, BenchmarkModel.TREE, "wine-tree-b"),
        PolicyModels.copy(files, BenchmarkModel.TREE, "wine-tree-c"));
    return all.subList(0, n);
  }

  @Test
  void everyThroughputVariantAnswersEveryRecordWithTheAnswersItAsksFor() {
    List<ModelDescriptor> m = copies(3);
    List<PolicySuite.ThroughputVariant> variants = PolicySuite.throughputVariants(m.get(0), m.get(1), m.get(2), 20);
    assertThat(variants.size(), equalTo(7));
    ServingSetup setup = new ServingSetup(ServingMode.KEYED, 1, BundleSettings.APP);
    for (PolicySuite.ThroughputVariant v : List.of(variants.get(3), variants.get(5), variants.get(6))) {
      PolicyThroughputJob.Outcome o = PolicyThroughputJob.run(v.models(), v.policy(), setup, 3_000);
      assertThat(v.label() + ": " + o.describe(), o.complete(), equalTo(true));
      if (v.shadowed()) {
        assertThat("the shadow compared records once it had loaded", o.comparisons(), greaterThan(0L));
      }
      assertThat(v.label() + ": " + o.describe() + " " + o.failureReasons(), o.allAnswered(), equalTo(true));
      // Records that reach a key before the whole set has (models and records race in a bounded run)
      // consult fewer models; on a loaded machine that can be several hundred of the 3,000.
      assertThat(v.label(), o.scoringsPerRecord(), lessThanOrEqualTo(v.expectedScorings() + 1e-9));
      assertThat(v.label(), o.scoringsPerRecord(), greaterThan(v.expectedScorings() - 0.5));
      if (!v.shadowed()) {
        assertThat(v.label() + ": every model of the set answered", o.byModel(ServingMetrics.MODEL_SCORED).keySet(),
            hasSize(v.models().size()));
      }
      Map<String, Long> won = o.byModel(ServingMetrics.MODEL_WON);
      assertThat(v.label() + " " + won, won.values().stream().mapToLong(Long::longValue).sum(), equalTo(3_000L));
    }
  }

  @Test
  void aPacedSpeculativeRunReportsEveryRecordOfItsWindow() throws Exception {
    ModelDescriptor fast = copies(1).get(0).toBuilder().setName(PolicySuite.FAST).build();
    ModelDescriptor slow = PolicyModels.delay(PolicySuite.SLOW, LatencyDistribution.parse("1ms:70,40ms:30", 3));
    PolicySuite.LatencyVariant speculative = PolicySuite.latencyVariants(fast, slow, 15).get(1);
    assertThat(speculative.policy().name(), equalTo("speculative"));
    PolicyProbe probe = PolicyProbe.open();
    PipelineResult result = null;
    try {
      result = PolicyLatencyJob.start(speculative.models(), speculative.policy(),
          new ServingSetup(ServingMode.KEYED, 1, BundleSettings.APP), 1_000, probe);
      Pipelines.runFor(result, 4);
      PolicyProbe.Window w = probe.startWindow(System.nanoTime());
      Pipelines.runFor(result, 2);
      long to = System.nanoTime();
      w.end(to);
      assertThat("every record of the window came out", PolicySuite.drain(result, w, to), equalTo(true));
      assertThat("about 2,000 records in 2 s", w.inputs(), greaterThan(1_500L));
      assertThat(w.inputs(), lessThan(2_600L));
      assertThat(w.answered(), equalTo(w.inputs()));
      assertThat(w.failures(), equalTo(0L));
      assertThat(w.decisions(), hasKey("speculative/preferred"));
      assertThat(w.decisions(), hasKey("speculative/fast"));
      assertThat(w.outcomes(), hasKey("wine-slow timed out"));
      assertThat("the serving step keeps the 15 ms budget, give or take the busy test machine",
          w.stepSummary().p50(), lessThan(15.0));
    } finally {
      Pipelines.cancel(result);
      probe.close();
    }
  }

  @Test
  void theLatencyVariantsAreTheBaselinesAndSpeculation() {
    List<ModelDescriptor> m = copies(1);
    ModelDescriptor slow = PolicyModels.delay(PolicySuite.SLOW, LatencyDistribution.parse("2ms", 1));
    List<PolicySuite.LatencyVariant> v = PolicySuite.latencyVariants(m.get(0), slow, 20);
    assertThat(v.get(0).policy().name(), equalTo("current"));
    assertThat(v.get(0).models(), equalTo(List.of(m.get(0))));
    assertThat(v.get(1).budgetMillis(), equalTo(20.0));
    assertThat(v.get(1).policy().plan(List.of(PolicySuite.FAST, PolicySuite.SLOW),
        dev.modelserving.beam.model.proto.Routing.getDefaultInstance()).budget(), equalTo(Duration.millis(20)));
    assertThat(v.get(2).models(), equalTo(List.of(slow)));
  }
}
