package dev.modelserving.beam.serving.cache;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.LinearTestFormat;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The JVM-wide model cache: one load per model, closing, the bound, failures remembered. */
class ModelCacheTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static ModelDescriptor model(String uuid, String bytes) {
    return ModelDescriptor.newBuilder().setName("m").setVersion(uuid).setUuid(uuid).setDataType("wine")
        .setFormat(LinearTestFormat.ID).setModelBytes(ByteString.copyFromUtf8(bytes)).build();
  }

  private static ModelLoad loaded(ModelCache cache, ModelDescriptor d) {
    ModelLoad load = cache.load(d);
    assertThat("loaded in time", load.await(WAIT), is(true));
    return load;
  }

  @Test
  void aModelRequestedManyTimesIsLoadedOnce() throws Exception {
    ModelCache cache = ModelCache.create(10);
    ModelDescriptor d = model("cache-once", "x=1");
    ModelLoad first = cache.load(d);
    for (int i = 0; i < 20; i++) {
      assertThat(cache.load(d), sameInstance(first));
    }
    first.await(WAIT);
    assertThat(first.isReady(), is(true));
    assertThat(LinearTestFormat.loads("cache-once"), is(1));
    assertThat(cache.loadsStarted(), is(1L));
    assertThat("the outcome is claimed once", first.claimOutcome() && !first.claimOutcome(), is(true));
  }

  @Test
  void pastTheBoundTheLeastRecentlyUsedModelIsClosed() throws Exception {
    ModelCache cache = ModelCache.create(2);
    ModelLoad a = loaded(cache, model("lru-a", "x=1"));
    Thread.sleep(5);
    ModelLoad b = loaded(cache, model("lru-b", "x=2"));
    Thread.sleep(5);
    cache.get("lru-a"); // a is now more recently used than b
    Thread.sleep(5);
    loaded(cache, model("lru-c", "x=3"));

    assertThat(cache.loadedCount(), is(2));
    assertThat("b was the least recently used", cache.get("lru-b"), nullValue());
    assertThat(LinearTestFormat.closes("lru-b"), is(1));
    assertThat(b.model().isRetired(), is(true));
    assertThat(a.model().isRetired(), is(false));
    assertThat(LinearTestFormat.closes("lru-a"), is(0));
    // Asked for again, b is loaded again.
    assertThat(loaded(cache, model("lru-b", "x=2")).isReady(), is(true));
    assertThat(LinearTestFormat.loads("lru-b"), is(2));
  }

  @Test
  void aModelNoServingKeyUsesIsClosedAndOneStillUsedIsNot() {
    ModelCache cache = ModelCache.create(10);
    loaded(cache, model("keys-old", "x=1"));
    loaded(cache, model("keys-new", "x=2"));
    cache.serve("k1", "keys-old");
    cache.serve("k2", "keys-old");
    cache.serve("k1", "keys-new");
    assertThat("k2 still serves it", LinearTestFormat.closes("keys-old"), is(0));
    cache.serve("k2", "keys-new");
    assertThat(LinearTestFormat.closes("keys-old"), is(1));
    assertThat(cache.get("keys-old"), nullValue());
    assertThat(LinearTestFormat.closes("keys-new"), is(0));
  }

  @Test
  void aRetiredModelClosesOnlyAfterTheCallInFlight() {
    ModelCache cache = ModelCache.create(10);
    LoadedModel m = loaded(cache, model("in-flight", "x=1")).model();
    assertThat(m.tryAcquire(), is(true));
    cache.closeAll();
    assertThat("no new calls", m.tryAcquire(), is(false));
    assertThat("not closed under the running call", LinearTestFormat.closes("in-flight"), is(0));
    m.release();
    assertThat(LinearTestFormat.closes("in-flight"), is(1));
  }

  @Test
  void aFailedLoadIsRememberedAndNotRetriedAtOnce() {
    ModelCache cache = ModelCache.create(10);
    ModelDescriptor bad = model("cache-bad", "x=one");
    ModelLoad load = loaded(cache, bad);
    assertThat(load.isFailed(), is(true));
    assertThat(load.failure(), containsString("weight of 'x' is not a number"));
    assertThat(cache.load(bad), sameInstance(load));
    assertThat(cache.loadsStarted(), is(1L));
  }

  @Test
  void theLoadRunsOffTheCallingThread() {
    ModelCache cache = ModelCache.create(10);
    long start = System.nanoTime();
    ModelLoad load = cache.load(model("slow", "sleep=1500;x=1"));
    long returnedAfterMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat("load() returned at once, not after the 1.5 s load (took " + returnedAfterMillis + " ms)",
        returnedAfterMillis < 1000, is(true));
    assertThat(load.status(), is(ModelLoad.Status.LOADING));
    load.await(WAIT);
    assertThat(load.isReady(), is(true));
  }
}
