package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.PlacementGroup;
import io.raylite.PlacementStrategy;
import io.raylite.RayQueue;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.WaitResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code python/ray/tests/test_shutdown.py} and the shutdown cases of
 * {@code test_basic.py}: {@code ray.shutdown()} while the driver's other threads are blocked in
 * {@code get}, {@code wait} and the like ends each of those waits with an exception instead of
 * leaving the thread hanging.
 */
@Timeout(60)
class RayShutdownTest {

  static int never(CountDownLatch entered) throws InterruptedException {
    entered.countDown();
    new CountDownLatch(1).await();
    return 0;
  }

  static final class Stuck {
    int never(CountDownLatch entered) throws InterruptedException {
      entered.countDown();
      new CountDownLatch(1).await();
      return 0;
    }
  }

  /**
   * Runs {@code blocked} on another thread, closes the runtime once it says it is about to block
   * (by counting down the latch it is given), and returns what it threw.
   */
  private static Throwable closeWhileBlocked(BiFunction<Raylite, CountDownLatch, Object> blocked) throws Exception {
    Raylite ray = Raylite.builder().cpus(1).build();
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CountDownLatch blocking = new CountDownLatch(1);
    Thread waiter = Thread.ofPlatform().start(() -> {
      try {
        outcome.complete(blocked.apply(ray, blocking));
      } catch (Throwable t) {
        outcome.completeExceptionally(t);
      }
    });
    assertTrue(blocking.await(30, TimeUnit.SECONDS));
    ray.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> outcome.get(30, TimeUnit.SECONDS));
    waiter.join();
    return e.getCause();
  }

  @Test
  void closeEndsAGetOfARunningTask_blockedOnAnotherThread() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Throwable thrown = closeWhileBlocked((ray, blocking) -> {
      ObjectRef<Integer> ref = ray.task(RayShutdownTest::never, entered).remote();
      await(entered);
      blocking.countDown();
      return ray.get(ref);
    });
    assertInstanceOf(RayliteException.class, thrown);
  }

  /** The task close cancels counts as ready, as a cancelled task does for Ray's wait; or the wait throws. */
  @Test
  void closeEndsAWaitWithoutTimeout_blockedOnAnotherThread() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Raylite ray = Raylite.builder().cpus(1).build();
    ObjectRef<Integer> ref = ray.task(RayShutdownTest::never, entered).remote();
    await(entered);
    CompletableFuture<WaitResult<Integer>> outcome = CompletableFuture.supplyAsync(() -> ray.wait(List.of(ref)));
    ray.close();
    try {
      assertEquals(List.of(ref), outcome.get(30, TimeUnit.SECONDS).ready());
    } catch (ExecutionException e) {
      assertInstanceOf(RayliteException.class, e.getCause());
    }
  }

  @Test
  void closeEndsAGetOfARunningActorCall_blockedOnAnotherThread() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Throwable thrown = closeWhileBlocked((ray, blocking) -> {
      ActorHandle<Stuck> actor = ray.actor(Stuck::new).remote();
      ObjectRef<Integer> ref = actor.task(Stuck::never, entered).remote();
      await(entered);
      blocking.countDown();
      return ref.get();
    });
    assertInstanceOf(RayliteException.class, thrown);
  }

  @Test
  void closeEndsAGetOfAQueuedTask_blockedOnAnotherThread() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Throwable thrown = closeWhileBlocked((ray, blocking) -> {
      ray.task(RayShutdownTest::never, entered).remote();
      await(entered);
      ObjectRef<Integer> queued = ray.task(() -> 1).remote();
      blocking.countDown();
      return ray.get(List.of(queued));
    });
    assertInstanceOf(RayliteException.class, thrown);
  }

  @Test
  void closeEndsAWaitForAPendingPlacementGroup_blockedOnAnotherThread() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Throwable thrown = closeWhileBlocked((ray, blocking) -> {
      ray.task(RayShutdownTest::never, entered).remote();
      await(entered);
      PlacementGroup group = ray.placementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
      blocking.countDown();
      return group.ready().get();
    });
    assertInstanceOf(RayliteException.class, thrown);
  }

  @Test
  void closeEndsAGetOfAnEmptyQueue_blockedOnAnotherThread() throws Exception {
    Throwable thrown = closeWhileBlocked((ray, blocking) -> {
      RayQueue<String> queue = new RayQueue<>(ray, 1);
      queue.put("first");
      queue.get();  // the queue's actor is up
      blocking.countDown();
      return queue.get();
    });
    assertInstanceOf(RayliteException.class, thrown);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aGetWithATimeout_onAClosedRuntime_throwsAtOnce() {
    Raylite ray = Raylite.builder().cpus(1).build();
    ObjectRef<Integer> ref = ray.put(1);
    ray.close();
    assertThrows(RayliteException.class, () -> ray.get(ref, Duration.ofDays(1)));
    assertThrows(RayliteException.class, () -> ref.get(Duration.ofDays(1)));
  }
}
