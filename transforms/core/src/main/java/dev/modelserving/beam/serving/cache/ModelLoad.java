package dev.modelserving.beam.serving.cache;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load of one model (by uuid) in this JVM: loading, ready with its {@link LoadedModel}, or
 * failed with the reason. Created by {@link ModelCache#load}; every thread that needs the model
 * shares it.
 */
public final class ModelLoad {
  /** Where a load stands. */
  public enum Status {
    LOADING,
    READY,
    FAILED
  }

  private final String uuid;
  private final String description;
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicBoolean outcomeClaimed = new AtomicBoolean();
  private volatile Status status = Status.LOADING;
  private volatile LoadedModel model;
  private volatile String failure;
  private volatile long finishedAtNanos;
  private volatile long finishedAtMillis;
  private volatile long lastUsedNanos = System.nanoTime();

  ModelLoad(ModelDescriptor descriptor) {
    this.uuid = descriptor.getUuid();
    this.description = ModelDescriptors.describe(descriptor);
  }

  public String uuid() {
    return uuid;
  }

  public Status status() {
    return status;
  }

  public boolean isReady() {
    return status == Status.READY;
  }

  public boolean isFailed() {
    return status == Status.FAILED;
  }

  /** The loaded model once {@link Status#READY}, else null. */
  public LoadedModel model() {
    return model;
  }

  /** Why the load failed, once {@link Status#FAILED}, else null. */
  public String failure() {
    return failure;
  }

  /** Waits up to {@code timeout} for the load to end; true if it has. */
  public boolean await(Duration timeout) {
    try {
      return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return status != Status.LOADING;
    }
  }

  /**
   * True for exactly one caller once the load has ended: the one that reports its outcome (counts
   * the load or the failure, logs it), so that a load is reported once per JVM however many
   * serving keys see it.
   */
  public boolean claimOutcome() {
    return status != Status.LOADING && outcomeClaimed.compareAndSet(false, true);
  }

  /** "'name' version v (uuid ..., format ..., data type ...)" of the model being loaded. */
  public String description() {
    return description;
  }

  /** When the load ended, by the wall clock (0 while loading). */
  public long finishedAtMillis() {
    return finishedAtMillis;
  }

  void succeed(LoadedModel loaded) {
    model = loaded;
    finishedAtNanos = System.nanoTime();
    finishedAtMillis = System.currentTimeMillis();
    status = Status.READY;
    done.countDown();
  }

  void fail(String reason) {
    failure = reason;
    finishedAtNanos = System.nanoTime();
    finishedAtMillis = System.currentTimeMillis();
    status = Status.FAILED;
    done.countDown();
  }

  long finishedAtNanos() {
    return finishedAtNanos;
  }

  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  @Override
  public String toString() {
    return "ModelLoad(" + uuid + ", " + status + ")";
  }
}
