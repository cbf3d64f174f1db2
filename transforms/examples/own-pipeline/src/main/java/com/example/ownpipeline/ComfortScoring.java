package com.example.ownpipeline;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServeModels;
import org.apache.beam.sdk.values.PCollection;

/** Applies {@code ServeModels} to the example's own records: its key function and feature extractor. */
public final class ComfortScoring {
  private ComfortScoring() {}

  public static ServeModels.Result<Reading> score(PCollection<Reading> readings, PCollection<ModelDescriptor> models) {
    return readings.apply("ScoreComfort", ServeModels.<Reading>create()
        .withModels(models)
        .withDataTypeFn(reading -> reading.sensorType)
        .withFeatureExtractor(reading -> Features.builder()
            .put("temperature", reading.temperature)
            .put("humidity", reading.humidity)
            .build()));
  }
}
