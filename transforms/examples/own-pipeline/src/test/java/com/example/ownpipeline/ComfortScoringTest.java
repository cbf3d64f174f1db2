package com.example.ownpipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ScoredRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class ComfortScoringTest {

  @Test
  void scoresOwnRecordsWithAPmmlModelFromTheModelStream(TestPipeline p) throws IOException {
    ModelDescriptor model = ModelDescriptor.newBuilder()
        .setName("comfort").setVersion("1").setUuid("comfort-1").setDataType("thermo")
        .setFormat("pmml").setModelBytes(ByteString.readFrom(resource("/comfort.pmml")))
        .build();
    PCollection<Reading> readings = p.apply("Readings", Create.of(
            new Reading("thermo", "kitchen", 20.0, 40.0),
            new Reading("thermo", "attic", 30.0, 20.0))
        .withCoder(SerializableCoder.of(Reading.class)));
    PCollection<ModelDescriptor> models = p.apply("Models", Create.of(model).withCoder(ModelDescriptorCoder.of()));

    PCollection<ScoredRecord<Reading>> scored = ComfortScoring.score(readings, models).getScored();

    PAssert.that(scored).satisfies(records -> {
      List<String> seen = new ArrayList<>();
      for (ScoredRecord<Reading> r : records) {
        double expected = 2.0 + 0.5 * r.getInput().temperature - 0.1 * r.getInput().humidity;
        assertEquals(expected, r.getOutput().getValue(), 1e-9);
        assertEquals("comfort", r.getModelName());
        assertEquals("comfort-1", r.getModelUuid());
        seen.add(r.getInput().room);
      }
      assertEquals(2, seen.size());
      assertTrue(seen.contains("kitchen") && seen.contains("attic"));
      return null;
    });
    p.run().waitUntilFinish();
  }

  private static InputStream resource(String name) {
    return ComfortScoringTest.class.getResourceAsStream(name);
  }
}
