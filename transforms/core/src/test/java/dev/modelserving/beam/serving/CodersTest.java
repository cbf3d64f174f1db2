package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DeadLetterCoder;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.RejectedModelCoder;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ScoredRecordCoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/**
 * Every coder of the serving outputs, state and shuffle, checked with Beam's {@link CoderProperties}:
 * a value decodes to itself, encodes deterministically where the coder says so, and the coder
 * serializes. No output goes through Java serialization.
 */
class CodersTest {
  private static final Coder<KV<String, String>> RECORD = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
  private static final ModelDescriptor MODEL = linear("wine-linear", "3", "coder-uuid", "bias=1;x=2");

  @Test
  void deadLetters() throws Exception {
    for (DeadLetter d : List.of(
        new DeadLetter("a,b,c", "wine", DeadLetter.Stage.SCORE, "field 'x' is missing", 1_700_000_000_123L),
        new DeadLetter(null, null, DeadLetter.Stage.ROUTE, "the record has no data type", 0L),
        new DeadLetter("ünïcödé", "wine", DeadLetter.Stage.UNSERVED, "no model", 5L))) {
      roundTrips(DeadLetterCoder.of(), d);
      CoderProperties.coderDeterministic(DeadLetterCoder.of(), d, d);
    }
  }

  @Test
  void rejectedModels() throws Exception {
    for (RejectedModel m : List.of(
        RejectedModel.of(MODEL, "older than the model it would replace"),
        new RejectedModel("name-only", null, null, null, "wine", "not a ModelDescriptor", 7L))) {
      roundTrips(RejectedModelCoder.of(), m);
      CoderProperties.coderDeterministic(RejectedModelCoder.of(), m, m);
    }
  }

  @Test
  void scoredRecordsKeepEveryFieldAndTheModelsClassOrder() throws Exception {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("medium", 0.6);
    p.put("low", 0.3);
    p.put("high", 0.1);
    ScoredRecord<KV<String, String>> r = new ScoredRecord<>(KV.of("wine", "id=1"), "wine",
        ModelOutput.builder().label("medium").probabilities(p).field("quality_class", "medium").field("leaf", 7).build(),
        "wine-tree", "3", "uuid-3", "pmml", "current", 1_700_000_000_000L, 12_345L, 250);
    ScoredRecordCoder<KV<String, String>> coder = ScoredRecordCoder.of(RECORD);
    roundTrips(coder, r);
    CoderProperties.coderDeterministic(coder, r, r);
    ScoredRecord<KV<String, String>> decoded = CoderUtils.clone(coder, r);
    assertThat(decoded.getOutput().getProbabilities().keySet(), contains("medium", "low", "high"));
    assertThat(decoded.getBatchSize(), equalTo(250));
  }

  @Test
  void recordBatchesAndServingEvents() throws Exception {
    List<KV<String, String>> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(KV.of("wine", "id=r" + i));
    }
    RecordBatch<KV<String, String>> batch = new RecordBatch<>("wine", records, new long[] {5, 1, 9, 3, 3});
    roundTrips(RecordBatchCoder.of(RECORD), batch);
    CoderProperties.coderDeterministic(RecordBatchCoder.of(RECORD), batch, batch);

    ServingEvent.EventCoder<KV<String, String>> events = new ServingEvent.EventCoder<>(RECORD);
    ServingEvent<KV<String, String>> decodedBatch = CoderUtils.clone(events, ServingEvent.batch(batch));
    assertThat(decodedBatch.batch(), equalTo(batch));
    ServingEvent<KV<String, String>> decodedModel = CoderUtils.clone(events, ServingEvent.model(MODEL));
    assertThat(decodedModel.model(), equalTo(MODEL));
    CoderProperties.coderSerializable(events);
  }

  @Test
  void keyedState() throws Exception {
    ModelSlots slots = ModelSlots.empty().withCandidate(ModelRef.of(MODEL)).promote(MODEL.getUuid())
        .withCandidate(ModelRef.of(MODEL.toBuilder().setUuid("next").setVersion("4").build()));
    roundTrips(ModelSlotsCoder.of(), slots);
    CoderProperties.coderDeterministic(ModelSlotsCoder.of(), slots, slots);
    roundTrips(BatchBag.InfoCoder.of(), new BatchBag.Info(42, -3L));
  }

  @Test
  void keyedStateWrittenBeforeModelSetsIsReadAsASetOfOne() throws Exception {
    ModelRef was = new ModelRef("wine-tree", "2", "uuid-2", "pmml", 1L);
    ModelRef now = new ModelRef("wine-tree", "3", "uuid-3", "pmml", 2L);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.apache.beam.sdk.coders.VarIntCoder.of().encode(2, bytes);
    for (Object[] slot : new Object[][] {{"previous", was}, {"current", now}}) {
      ModelRef ref = (ModelRef) slot[1];
      for (String s : new String[] {(String) slot[0], ref.name, ref.version, ref.uuid, ref.format}) {
        org.apache.beam.sdk.coders.StringUtf8Coder.of().encode(s, bytes);
      }
      org.apache.beam.sdk.coders.VarLongCoder.of().encode(ref.createdAtMillis, bytes);
    }
    ModelSlots read = CoderUtils.decodeFromByteArray(ModelSlotsCoder.of(), bytes.toByteArray());
    assertThat(read.current("wine-tree"), equalTo(now));
    assertThat(read.previous("wine-tree"), equalTo(was));
    assertThat(read.rollback("wine-tree").current("wine-tree"), equalTo(was));
  }

  @Test
  void broadcastSideInputKeepsTheNewestSnapshotOfEveryDataType() throws Exception {
    LatestModels.LatestFn fn = new LatestModels.LatestFn();
    Map<String, ModelSetSnapshot> acc = fn.createAccumulator();
    ModelSetSnapshot wine2 = new ModelSetSnapshot("wine", 2, List.of(MODEL), dev.modelserving.beam.model.proto.Routing
        .newBuilder().addShadows("wine-tree").build());
    fn.addInput(acc, wine2);
    fn.addInput(acc, new ModelSetSnapshot("wine", 1, List.of(), dev.modelserving.beam.model.proto.Routing.getDefaultInstance()));
    fn.addInput(acc, new ModelSetSnapshot("beer", 0, List.of(MODEL.toBuilder().setDataType("beer").setUuid("beer-1").build()),
        dev.modelserving.beam.model.proto.Routing.getDefaultInstance()));
    fn.addInput(acc, ModelSetSnapshot.marker());
    LatestModels latest = fn.extractOutput(acc);
    roundTrips(LatestModels.LatestModelsCoder.of(), latest);
    LatestModels decoded = CoderUtils.clone(LatestModels.LatestModelsCoder.of(), latest);
    assertThat(decoded.size(), equalTo(2));
    assertThat(decoded.get("wine"), equalTo(wine2));
  }

  private static <T> void roundTrips(Coder<T> coder, T value) throws Exception {
    CoderProperties.coderDecodeEncodeEqual(coder, value);
    CoderProperties.coderSerializable(coder);
  }
}
