package dev.modelserving.beam.training;

import java.io.Serializable;
import org.joda.time.Duration;

/**
 * When a trainer steps and publishes: a mini-batch closes at {@code size} examples or {@code
 * maxSpan} of event time after its first example, whichever comes first; a model is published
 * after every {@code publishEvery} steps. A {@code holdoutFraction} of the examples (chosen by a
 * hash of the record id) is never trained on; the metrics are taken on the latest {@code
 * holdoutWindow} of them.
 */
record MiniBatchParams(int size, Duration maxSpan, int publishEvery, double holdoutFraction, int holdoutWindow)
    implements Serializable {
  static final MiniBatchParams DEFAULT = new MiniBatchParams(500, Duration.standardSeconds(30), 1, 0.2, 1000);

  MiniBatchParams {
    if (size < 1) {
      throw new IllegalArgumentException("withMiniBatch: the batch size must be at least 1, was " + size);
    }
    if (maxSpan == null || maxSpan.getMillis() < 1) {
      throw new IllegalArgumentException("withMiniBatch: the event-time span must be positive, was " + maxSpan);
    }
    if (publishEvery < 1) {
      throw new IllegalArgumentException("withPublishEvery: must be at least 1, was " + publishEvery);
    }
    if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException("withHoldout: the fraction must be at least 0 and below 1, was "
          + holdoutFraction);
    }
    if (holdoutWindow < 1) {
      throw new IllegalArgumentException("withHoldout: the window must be at least 1 example, was " + holdoutWindow);
    }
  }

  /** True if the record of this id is held out: a stable hash, the same in every run and on every worker. */
  boolean isHoldout(String recordId) {
    if (holdoutFraction == 0) {
      return false;
    }
    long h = recordId.hashCode() * 0x9E3779B97F4A7C15L;
    double u = (h >>> 11) * 0x1.0p-53;
    return u < holdoutFraction;
  }
}
