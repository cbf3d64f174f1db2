package dev.modelserving.beam.serving;

import dev.modelserving.beam.serving.cache.LoadedModel;

/** A model of a set for one batch: its identity, and the loaded model acquired for the batch (null if not loaded here). */
final class ServedModel {
  final ModelRef ref;
  final LoadedModel model;

  ServedModel(ModelRef ref, LoadedModel model) {
    this.ref = ref;
    this.model = model;
  }

  boolean isLoaded() {
    return model != null;
  }
}
