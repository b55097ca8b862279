package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The state API's per-object reference counts, as Ray's {@code ray memory} splits them. */
@Timeout(60)
class ObjectReferenceCountsTest {
  private static final Duration GUARD = Duration.ofSeconds(30);

  private static Raylite runtime() {
    return Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).build();
  }

  private static ObjectInfo row(Raylite ray, ObjectRef<?> ref) {
    return ray.state().objects().rows().stream().filter(o -> o.objectId().equals(ref.id())).findFirst()
        .orElseThrow(() -> new AssertionError(ref.id() + " is not listed"));
  }

  static int length(byte[] data, CompletableFuture<Void> release) throws Exception {
    release.get();
    return data.length;
  }

  @Test
  void putObject_countsItsRefAsLocal() {
    try (Raylite ray = runtime()) {
      ObjectRef<byte[]> data = ray.put(new byte[10_000]);
      ObjectInfo info = row(ray, data);
      assertEquals(1, info.localRefs());
      assertEquals(0, info.pendingTaskArguments());
      assertEquals(1, info.references());
    }
  }

  @Test
  void pendingTasks_countAsArgumentUses_untilTheyAreDone() {
    try (Raylite ray = runtime()) {
      ObjectRef<byte[]> data = ray.put(new byte[10_000]);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> first = ray.task(ObjectReferenceCountsTest::length, data, release).remote();
      ObjectRef<Integer> second = ray.task(ObjectReferenceCountsTest::length, data, release).remote();
      ObjectInfo pending = row(ray, data);
      assertEquals(1, pending.localRefs());
      assertEquals(2, pending.pendingTaskArguments());
      assertEquals(3, pending.references());
      release.complete(null);
      assertEquals(10_000, ray.get(first, GUARD));
      assertEquals(10_000, ray.get(second, GUARD));
      // A task gives its uses back as it ends, before its result is ready.
      ObjectInfo done = row(ray, data);
      assertEquals(0, done.pendingTaskArguments());
      assertEquals(1, done.references());
    }
  }
}
