package dev.modelserving.beam.serving.cache;

import dev.modelserving.beam.model.Scorer;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model loaded once in this JVM and shared by every thread that serves it. A caller scores with
 * it between {@link #tryAcquire()} and {@link #release()}; once {@linkplain #retire() retired} it
 * is closed as soon as no call is in flight, so a scorer is never closed under a running batch.
 */
public final class LoadedModel {
  private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);
  private static final int RETIRED = 1 << 30;

  private final String uuid;
  private final Scorer scorer;
  private final long loadNanos;
  /** Calls in flight, plus {@link #RETIRED} once retired. */
  private final AtomicInteger state = new AtomicInteger();

  LoadedModel(String uuid, Scorer scorer, long loadNanos) {
    this.uuid = uuid;
    this.scorer = scorer;
    this.loadNanos = loadNanos;
  }

  public String uuid() {
    return uuid;
  }

  /** The scorer; call it only between {@link #tryAcquire()} and {@link #release()}. */
  public Scorer scorer() {
    return scorer;
  }

  /** How long the load took. */
  public long loadNanos() {
    return loadNanos;
  }

  /** Marks a call in flight; false if the model was retired (load it again). */
  public boolean tryAcquire() {
    while (true) {
      int s = state.get();
      if (s >= RETIRED) {
        return false;
      }
      if (state.compareAndSet(s, s + 1)) {
        return true;
      }
    }
  }

  /** Ends a call started by a successful {@link #tryAcquire()}. */
  public void release() {
    if (state.decrementAndGet() == RETIRED) {
      closeScorer();
    }
  }

  /** True once retired: it takes no new calls and closes after the last one. */
  public boolean isRetired() {
    return state.get() >= RETIRED;
  }

  /** Refuses new calls and closes the scorer when the calls in flight have ended. */
  void retire() {
    while (true) {
      int s = state.get();
      if (s >= RETIRED) {
        return;
      }
      if (state.compareAndSet(s, s + RETIRED)) {
        if (s == 0) {
          closeScorer();
        }
        return;
      }
    }
  }

  private void closeScorer() {
    try {
      scorer.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing model {} failed: {}", uuid, e.toString());
    }
  }

  @Override
  public String toString() {
    return "LoadedModel(" + uuid + (isRetired() ? ", retired" : "") + ")";
  }
}
