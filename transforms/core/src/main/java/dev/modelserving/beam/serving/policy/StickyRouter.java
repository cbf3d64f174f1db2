package dev.modelserving.beam.serving.policy;

import java.nio.charset.StandardCharsets;

/**
 * Maps a record id to a model of a weighted split, the same way on every worker and in every run:
 * the id's 64-bit FNV-1a hash, finalized by a bit mixer, is a point in [0, 1); the models own
 * consecutive segments in the order listed, each as long as its share of the weights.
 */
public final class StickyRouter {
  private StickyRouter() {}

  /** The point of {@code recordId} in [0, 1). */
  public static double point(String recordId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : recordId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53;
  }

  /** The index of the model whose segment holds {@code point}, for relative {@code weights}. */
  public static int pick(double point, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double at = point * total;
    double upTo = 0;
    for (int i = 0; i < weights.length; i++) {
      upTo += weights[i];
      if (at < upTo) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
