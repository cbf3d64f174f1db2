package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.servingCounters;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model is loaded once per JVM however many DoFn instances, threads and shards serve it: the
 * runner here runs four threads (each with its own DoFn instances) over eight shards.
 */
class ModelSharingTest {
  @RegisterExtension
  final TestPipelineExtension pipeline = TestPipelineExtension.fromOptions(fourThreads());

  @Test
  void keyedModeLoadsAModelOncePerJvm(TestPipeline p) {
    ModelDescriptor model = linear("wine-linear", "1", "shared-keyed", "bias=1;x=2;y=-1");
    var result = serve(p, traffic(model), serveModels().withShards(8));
    PAssert.that(result.getScored()).satisfies(ModelSharingTest::all200);

    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat("loads of the model in this JVM", LinearTestFormat.loads("shared-keyed"), is(1));
    assertThat(servingCounters(run), hasEntry("wine/model-loads", 1L));
    assertThat("closed when the pipeline ended", LinearTestFormat.closes("shared-keyed"), is(1));
  }

  @Test
  void broadcastModeLoadsAModelOncePerJvm(TestPipeline p) {
    ModelDescriptor model = linear("wine-linear", "1", "shared-broadcast", "bias=1;x=2;y=-1");
    var result = serve(p, traffic(model), serveModels().withMode(ServingMode.BROADCAST));
    PAssert.that(result.getScored()).satisfies(ModelSharingTest::all200);

    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat("loads of the model in this JVM", LinearTestFormat.loads("shared-broadcast"), is(1));
    assertThat(servingCounters(run), hasEntry("wine/model-loads", 1L));
  }

  private static Void all200(Iterable<?> scored) {
    int n = 0;
    for (Object ignored : scored) {
      n++;
    }
    assertThat("records scored", n, is(200));
    return null;
  }

  /** The model, then 200 records in 20 arrivals. */
  private static Arrivals traffic(ModelDescriptor model) {
    Arrivals arrivals = Arrivals.stream().model(model);
    for (int a = 0; a < 20; a++) {
      List<KV<String, String>> records = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        records.add(wine("id=r" + a + "-" + i + ";x=" + i + ";y=1"));
      }
      arrivals = arrivals.records(records);
    }
    return arrivals;
  }

  private static DirectOptions fourThreads() {
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(4);
    return options;
  }
}
