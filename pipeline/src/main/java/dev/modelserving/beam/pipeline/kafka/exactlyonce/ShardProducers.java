package dev.modelserving.beam.pipeline.kafka.exactlyonce;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open transactional producers of a sink in this JVM, one per shard, shared by all instances of
 * the writing step: an instance takes a shard's producer for a batch and gives it back, so a shard
 * never has two producers in one JVM fencing each other, whichever instance a runner hands the
 * shard's batches to. A sink's producers are closed when the last instance using it is torn down.
 */
final class ShardProducers {
  private static final Map<String, ShardProducers> BY_SINK = new HashMap<>();

  private final String sinkGroupId;
  private final Map<Integer, ShardTransactions<?, ?>> idle = new ConcurrentHashMap<>();
  private int users;

  private ShardProducers(String sinkGroupId) {
    this.sinkGroupId = sinkGroupId;
  }

  /** The producers of {@code sinkGroupId}, for one more user until {@link #release}. */
  static synchronized ShardProducers acquire(String sinkGroupId) {
    ShardProducers producers = BY_SINK.computeIfAbsent(sinkGroupId, ShardProducers::new);
    producers.users++;
    return producers;
  }

  /** One user less; the last one closes the producers. */
  void release() {
    synchronized (ShardProducers.class) {
      if (--users > 0) {
        return;
      }
      BY_SINK.remove(sinkGroupId);
    }
    idle.values().forEach(ShardTransactions::close);
    idle.clear();
  }

  /** The shard's producer if one is open and not in use, for the caller alone until {@link #giveBack}. */
  @SuppressWarnings("unchecked")
  <K, V> ShardTransactions<K, V> take(int shard) {
    return (ShardTransactions<K, V>) idle.remove(shard);
  }

  void giveBack(int shard, ShardTransactions<?, ?> tx) {
    ShardTransactions<?, ?> other = idle.put(shard, tx);
    if (other != null && other != tx) {
      other.close();
    }
  }
}
