package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The plug-in is found through ServiceLoader, and one scorer serves several threads. */
class PmmlModelFormatTest {

  @Test
  void serviceLoaderFindsThePmmlFormat() throws Exception {
    assertThat(ModelFormats.available().get("pmml"), instanceOf(PmmlModelFormat.class));
    byte[] bytes = PmmlTestSupport.resource("spaced-names.pmml");
    try (Scorer scorer = ModelFormats.load(PmmlTestSupport.descriptor(bytes, Map.of()))) {
      assertThat(scorer, instanceOf(PmmlScorer.class));
      ModelOutput out = scorer.score(Features.builder().put("fixed acidity", 10).put("alcohol.pct", 0).build());
      assertThat(out.getValue(), equalTo(3.0));
    }
  }

  @Test
  void oneScorerGivesTheSameResultsFromSeveralThreads() throws Exception {
    List<Features> rows = PmmlTestSupport.wineRows(1);
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-tree.pmml"))) {
      List<ModelOutput> sequential = new ArrayList<>();
      for (Features row : rows) {
        sequential.add(scorer.score(row));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<ModelOutput>>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          futures.add(pool.submit(() -> {
            List<ModelOutput> outs = new ArrayList<>();
            for (Features row : rows) {
              outs.add(scorer.score(row));
            }
            return outs;
          }));
        }
        for (Future<List<ModelOutput>> f : futures) {
          assertThat(f.get(), equalTo(sequential));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
