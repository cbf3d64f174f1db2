package dev.modelserving.beam.serving;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded executor that runs the concurrent model calls of speculative policies and shadows:
 * one per JVM (worker), created on first use, with {@value #THREADS_PROPERTY} daemon threads
 * (default: twice the cores, at least 4) and a bounded queue; a call it cannot take is skipped,
 * never queued without limit.
 *
 * <p>A call abandoned at its deadline keeps running (model code cannot be interrupted safely); until
 * it ends, its model is {@linkplain #isOverdue overdue} and further calls to it are skipped, so a
 * model slower than its budget never piles up work.
 */
final class PolicyExecutor {
  static final String THREADS_PROPERTY = "modelserving.policyThreads";
  private static final PolicyExecutor SHARED = new PolicyExecutor(threads());

  private final ThreadPoolExecutor pool;
  private final Map<String, AtomicInteger> overdueByUuid = new ConcurrentHashMap<>();

  private PolicyExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(threads * 4), r -> {
      Thread t = new Thread(r, "model-serving-policy-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  static PolicyExecutor shared() {
    return SHARED;
  }

  private static int threads() {
    int fromProperty = Integer.getInteger(THREADS_PROPERTY, 0);
    return fromProperty > 0 ? fromProperty : Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
  }

  /** True while a call to model {@code uuid} that missed its deadline is still running. */
  boolean isOverdue(String uuid) {
    AtomicInteger n = overdueByUuid.get(uuid);
    return n != null && n.get() > 0;
  }

  /** Starts {@code call} for model {@code uuid}; null if the executor is full. */
  <V> Call<V> submit(String uuid, Callable<V> call) {
    Call<V> c = new Call<>(uuid, call);
    try {
      pool.execute(c.task);
      return c;
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** A running call; {@link #abandon()} it at its deadline. */
  final class Call<V> {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    private final String uuid;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    final FutureTask<V> task;

    private Call(String uuid, Callable<V> call) {
      this.uuid = uuid;
      this.task = new FutureTask<>(() -> {
        try {
          return call.call();
        } finally {
          if (!state.compareAndSet(RUNNING, DONE)) {
            overdueByUuid.get(uuid).decrementAndGet();
          }
        }
      });
    }

    Future<V> future() {
      return task;
    }

    /** The caller no longer waits: the model is overdue until the call ends. */
    void abandon() {
      // Counted before the call is marked abandoned, so that the call's own end always finds the count.
      AtomicInteger overdue = overdueByUuid.computeIfAbsent(uuid, u -> new AtomicInteger());
      overdue.incrementAndGet();
      if (!state.compareAndSet(RUNNING, ABANDONED)) {
        overdue.decrementAndGet(); // it ended meanwhile, or was abandoned already
      }
    }
  }
}
