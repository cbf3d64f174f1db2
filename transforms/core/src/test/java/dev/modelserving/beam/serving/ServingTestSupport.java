package dev.modelserving.beam.serving;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Records, models, streams and assertions shared by the {@link ServeModels} tests.
 *
 * <p>A record is a {@code KV<dataType, "id=r1;x=1;y=2">}; its features are the {@code name=value}
 * pairs (values stay strings, so the model's numeric check is exercised). Models use {@link
 * LinearTestFormat}.
 */
final class ServingTestSupport {
  static final String WINE = "wine";

  private ServingTestSupport() {}

  // ---- records -------------------------------------------------------------------------------

  static KV<String, String> wine(String values) {
    return KV.of(WINE, values);
  }

  static String dataTypeOf(KV<String, String> record) {
    return record.getKey();
  }

  /** {@code "id=r1;x=1;y=2"} as features; a part that is not {@code name=value} throws. */
  static Features featuresOf(KV<String, String> record) {
    Features.Builder b = Features.builder();
    for (String part : record.getValue().split(";")) {
      String[] kv = part.split("=", -1);
      if (kv.length != 2) {
        throw new IllegalArgumentException("'" + part + "' is not name=value");
      }
      b.put(kv[0], kv[1]);
    }
    return b.build();
  }

  static String payloadOf(KV<String, String> record) {
    return record.getKey() + "|" + record.getValue();
  }

  /**
   * ServeModels with the test record functions, swapping models {@link SwapPolicy#IN_ORDER} so that
   * tests can assert the exact model of every record ({@link SwapPolicy#WHEN_READY} has tests of
   * its own); the test adds the models and its own options.
   */
  static ServeModels<KV<String, String>> serveModels() {
    return ServeModels.<KV<String, String>>create()
        .withSwapPolicy(SwapPolicy.IN_ORDER)
        .withDataTypeFn(ServingTestSupport::dataTypeOf)
        .withFeatureExtractor(ServingTestSupport::featuresOf)
        .withPayloadFormatter(ServingTestSupport::payloadOf);
  }

  // ---- models --------------------------------------------------------------------------------

  /** A test-linear wine model with weights like {@code "bias=1;x=2;y=-1"}. */
  static ModelDescriptor linear(String name, String version, String uuid, String weights) {
    return descriptor(name, version, uuid).setModelBytes(utf8(weights)).build();
  }

  /** A wine model descriptor without payload, to fill in. */
  static ModelDescriptor.Builder descriptor(String name, String version, String uuid) {
    return ModelDescriptor.newBuilder()
        .setName(name)
        .setVersion(version)
        .setUuid(uuid)
        .setDataType(WINE)
        .setFormat(LinearTestFormat.ID)
        .setCreatedAtMillis(1_700_000_000_000L);
  }

  static ByteString utf8(String text) {
    return ByteString.copyFrom(text, StandardCharsets.UTF_8);
  }

  // ---- the input stream ----------------------------------------------------------------------

  /** Builds a TestStream of arrivals; every call is one event, processed before the next one. */
  static final class Arrivals {
    private TestStream.Builder<Arrival> builder = TestStream.create(new Arrival.ArrivalCoder());
    private Instant timestamp = new Instant(0);

    static Arrivals stream() {
      return new Arrivals();
    }

    /** The event time of the elements added from now on (default 0). */
    Arrivals at(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    Arrivals model(ModelDescriptor model) {
      builder = builder.addElements(TimestampedValue.of(Arrival.model(model), timestamp));
      return this;
    }

    @SafeVarargs
    final Arrivals records(KV<String, String> first, KV<String, String>... more) {
      List<KV<String, String>> all = new ArrayList<>(List.of(more));
      all.add(0, first);
      return records(all);
    }

    /** Adds the records as one event: they arrive together, in no fixed order. */
    Arrivals records(List<KV<String, String>> records) {
      @SuppressWarnings("unchecked")
      TimestampedValue<Arrival>[] all = records.stream()
          .map(r -> TimestampedValue.of(Arrival.record(r), timestamp))
          .toArray(TimestampedValue[]::new);
      builder = builder.addElements(all[0], Arrays.copyOfRange(all, 1, all.length));
      return this;
    }

    Arrivals advanceWatermarkTo(Instant watermark) {
      builder = builder.advanceWatermarkTo(watermark);
      return this;
    }

    Arrivals advanceProcessingTime(Duration by) {
      builder = builder.advanceProcessingTime(by);
      return this;
    }

    TestStream<Arrival> end() {
      return builder.advanceWatermarkToInfinity();
    }
  }

  /** The records and models of one test stream, ready for one or more ServeModels. */
  static final class Inputs {
    final PCollection<KV<String, String>> records;
    final PCollection<ModelDescriptor> models;

    private Inputs(PCollection<KV<String, String>> records, PCollection<ModelDescriptor> models) {
      this.records = records;
      this.models = models;
    }

    static Inputs of(TestPipeline p, Arrivals arrivals) {
      PCollection<Arrival> all = p.apply("Arrivals", arrivals.end());
      return new Inputs(
          all.apply("Records", ParDo.of(new Arrival.Records()))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())),
          all.apply("Models", ParDo.of(new Arrival.Models())).setCoder(ModelDescriptorCoder.of()));
    }

    ServeModels.Result<KV<String, String>> serve(String name, ServeModels<KV<String, String>> serve) {
      return records.apply(name, serve.withModels(models));
    }

    ServeModels.Result<KV<String, String>> serve(ServeModels<KV<String, String>> serve) {
      return serve("Serve", serve);
    }
  }

  /** Serves the stream with {@code serve}, as the only ServeModels of the pipeline. */
  static ServeModels.Result<KV<String, String>> serve(
      TestPipeline p, Arrivals arrivals, ServeModels<KV<String, String>> serve) {
    return Inputs.of(p, arrivals).serve(serve);
  }

  // ---- scored records ------------------------------------------------------------------------

  /**
   * Every field of a scored record except served time and latency (which differ per run), as one
   * line, so that PAssert compares them all.
   */
  static String describe(ScoredRecord<KV<String, String>> r) {
    ModelOutput o = r.getOutput();
    return String.format(
        "%s [%s] -> %s by '%s' v%s uuid=%s format=%s decision=%s",
        payloadOf(r.getInput()), r.getDataType(), ModelOutput.of(o.getValue(), o.getLabel(), o.getProbabilities()),
        r.getModelName(), r.getModelVersion(), r.getModelUuid(), r.getModelFormat(), r.getDecision());
  }

  /** The number of the model call that scored the record ({@link LinearTestFormat#CALL}). */
  static long call(ScoredRecord<?> r) {
    return ((Double) r.getOutput().getFields().get(LinearTestFormat.CALL)).longValue();
  }

  /** The record's id, from {@code "id=r1;..."}. */
  static String id(ScoredRecord<KV<String, String>> r) {
    return r.getInput().getValue().split(";")[0].substring("id=".length());
  }

  /** The line {@link #describe} gives for a record scored {@code value} by the current {@code model}. */
  static String scored(KV<String, String> record, double value, ModelDescriptor model) {
    return describe(new ScoredRecord<>(
        record, record.getKey(), ModelOutput.value(value), model.getName(), model.getVersion(),
        model.getUuid(), model.getFormat(), "current", 0L, 0L));
  }

  static PCollection<String> described(PCollection<ScoredRecord<KV<String, String>>> scored) {
    return scored.apply("Describe " + scored.getName(), MapElements.into(TypeDescriptors.strings())
        .via(ServingTestSupport::describe));
  }

  // ---- dead letters, unserved and rejected models --------------------------------------------

  /** What one dead letter or unserved record must be: its payload, stage, data type and reason words. */
  static final class Letter implements Serializable {
    final String payload;
    final DeadLetter.Stage stage;
    final String dataType;
    final List<String> reasonParts;

    private Letter(String payload, DeadLetter.Stage stage, String dataType, String... reasonParts) {
      this.payload = payload;
      this.stage = stage;
      this.dataType = dataType;
      this.reasonParts = List.of(reasonParts);
    }

    static Letter of(KV<String, String> record, DeadLetter.Stage stage, String dataType, String... reasonParts) {
      return new Letter(payloadOf(record), stage, dataType, reasonParts);
    }

    void check(DeadLetter actual) {
      assertThat("stage of " + actual, actual.getStage(), is(stage));
      assertThat("data type of " + actual, actual.getDataType(), equalTo(dataType));
      for (String part : reasonParts) {
        assertThat("reason of " + actual, actual.getReason(), containsString(part));
      }
    }
  }

  /** Checks that the letters are exactly the expected ones, one per payload. */
  static SerializableFunction<Iterable<DeadLetter>, Void> exactly(Letter... expected) {
    return letters -> {
      Map<String, DeadLetter> byPayload = new TreeMap<>();
      List<String> payloads = new ArrayList<>();
      for (DeadLetter d : letters) {
        payloads.add(d.getPayload());
        byPayload.put(d.getPayload(), d);
      }
      List<String> expectedPayloads = new ArrayList<>();
      for (Letter e : expected) {
        expectedPayloads.add(e.payload);
      }
      assertThat("payloads", sorted(payloads), equalTo(sorted(expectedPayloads)));
      for (Letter e : expected) {
        e.check(byPayload.get(e.payload));
      }
      return null;
    };
  }

  /** Checks that exactly these models (by uuid) were rejected, once each, with these reason words. */
  static SerializableFunction<Iterable<RejectedModel>, Void> rejected(Map<String, List<String>> reasonPartsByUuid) {
    HashMap<String, List<String>> expected = new HashMap<>(reasonPartsByUuid);
    return models -> {
      List<String> uuids = new ArrayList<>();
      for (RejectedModel m : models) {
        uuids.add(m.getUuid());
        for (String part : expected.getOrDefault(m.getUuid(), List.of())) {
          assertThat("reason of " + m, m.getReason(), containsString(part));
        }
      }
      assertThat("rejected uuids", sorted(uuids), equalTo(sorted(new ArrayList<>(expected.keySet()))));
      return null;
    };
  }

  private static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    copy.sort(null);
    return copy;
  }

  // ---- metrics -------------------------------------------------------------------------------

  /** The serving counters of a finished run, by name ({@code wine/scored}), summed over steps. */
  static Map<String, Long> servingCounters(PipelineResult result) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(ServingMetrics.NAMESPACE))
        .build());
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> c : metrics.getCounters()) {
      counters.merge(c.getName().getName(), c.getAttempted(), Long::sum);
    }
    return counters;
  }
}
