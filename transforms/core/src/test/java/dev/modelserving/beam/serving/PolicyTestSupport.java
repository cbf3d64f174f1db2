package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.values.KV;

/** Models, messages and helpers of the serving-policy tests: models use {@link ScriptedTestFormat}. */
final class PolicyTestSupport {
  private PolicyTestSupport() {}

  /** A scripted wine model, e.g. {@code scripted("fast", "label=red;p=0.6")}; the uuid is {@code name-1}. */
  static ModelDescriptor scripted(String name, String script) {
    return scripted(name, "1", script);
  }

  static ModelDescriptor scripted(String name, String version, String script) {
    return ServingTestSupport.descriptor(name, version, name + "-" + version).setFormat(ScriptedTestFormat.ID)
        .setCreatedAtMillis(1_700_000_000_000L + Integer.parseInt(version))
        .setModelBytes(ServingTestSupport.utf8(script)).build();
  }

  /** A routing message for wine: {@code route("a", 90, "b", 10)}. */
  static ModelDescriptor route(Object... modelsAndWeights) {
    return ModelDescriptors.route(ServingTestSupport.WINE, routing(List.of(), modelsAndWeights));
  }

  static Routing routing(List<String> shadows, Object... modelsAndWeights) {
    Routing.Builder r = Routing.newBuilder().addAllShadows(shadows);
    for (int i = 0; i < modelsAndWeights.length; i += 2) {
      r.addWeights(ModelWeight.newBuilder().setModel((String) modelsAndWeights[i])
          .setWeight(((Number) modelsAndWeights[i + 1]).doubleValue()));
    }
    return r.build();
  }

  /** Records {@code id=<prefix>0 .. id=<prefix>n-1}, with a feature x. */
  static List<KV<String, String>> records(String prefix, int n) {
    List<KV<String, String>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(ServingTestSupport.wine("id=" + prefix + i + ";x=" + i));
    }
    return records;
  }

  /** ServeModels with the test record functions, the record id as routing id, and {@code policy}. */
  static ServeModels<KV<String, String>> serveWith(ServingPolicy policy) {
    return ServingTestSupport.serveModels().withPolicy(policy)
        .withRecordIdFn(r -> r.getValue().split(";")[0].substring("id=".length()));
  }

  static List<ScoredRecord<KV<String, String>>> list(Iterable<ScoredRecord<KV<String, String>>> records) {
    return StreamSupport.stream(records.spliterator(), false).collect(Collectors.toList());
  }

  /** The status of model {@code name} in the record's trace. */
  static ModelAnswer.Status statusOf(ScoredRecord<?> r, String name) {
    ModelAnswer a = r.getTrace().answerOf(name);
    if (a == null) {
      throw new AssertionError("model '" + name + "' is not in the trace " + r.getTrace());
    }
    return a.getStatus();
  }
}
