package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raylite.ActorHandle;
import io.raylite.GetTimeoutException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/GetTimeoutTest.java}, with the
 * timeout checks of {@code ray.get} ({@code python/ray/tests/test_basic.py}: timeout 0, negative).
 * Ray's 5-second sleeps become latches; the wall-time bound Ray asserts is left out.
 */
@Timeout(60)
class RayGetTimeoutTest {
  private final Raylite ray = Raylite.builder().cpus(4).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static int squareDelay(int x, CountDownLatch release) throws InterruptedException {
    release.await();
    return x * x;
  }

  static final class Counter {
    private final int value;

    Counter(int initValue) {
      this.value = initValue;
    }

    int getValueDelay(CountDownLatch release) throws InterruptedException {
      release.await();
      return value;
    }
  }

  @Test
  void getOfAnActorCall_timesOutWhileItRuns_thenReturnsOnceItEnds() {
    ActorHandle<Counter> actor = ray.actor(Counter::new, 1).remote();
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> slow = actor.task(Counter::getValueDelay, release).remote();
    assertThrows(GetTimeoutException.class, () -> ray.get(slow, Duration.ofMillis(100)));
    release.countDown();
    assertEquals(1, slow.get(Duration.ofSeconds(30)));
  }

  @Test
  void getOfSeveralTasks_timesOutWhileTheyRun_thenReturnsTheirResultsInOrder() {
    CountDownLatch release = new CountDownLatch(1);
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      refs.add(ray.task(RayGetTimeoutTest::squareDelay, i, release).remote());
    }
    assertThrows(GetTimeoutException.class, () -> ray.get(refs, Duration.ofMillis(100)));
    release.countDown();
    assertEquals(List.of(0, 1, 4, 9), ray.get(refs, Duration.ofSeconds(30)));
    assertEquals(List.of(0, 1, 4, 9), ray.get(refs));
  }

  @Test
  void getOfAPutObject_withATimeout_returnsIt() {
    ObjectRef<Integer> ref = ray.put(1);
    assertEquals(1, ray.get(ref));
    assertEquals(1, ray.get(ref, Duration.ofSeconds(2)));
  }

  @Test
  void getWithAZeroTimeout_returnsAReadyObject_andTimesOutOnAPendingOne() {
    ObjectRef<Integer> ready = ray.put(1);
    assertEquals(1, ray.get(ready, Duration.ZERO));
    ObjectRef<Integer> pending = ray.task(RayGetTimeoutTest::squareDelay, 2, new CountDownLatch(1)).remote();
    assertThrows(GetTimeoutException.class, () -> ray.get(pending, Duration.ZERO));
    assertThrows(GetTimeoutException.class, () -> ray.get(List.of(ready, pending), Duration.ZERO));
  }

  @Test
  void getWithANegativeTimeout_isRefused() {
    ObjectRef<Integer> ready = ray.put(1);
    assertThrows(IllegalArgumentException.class, () -> ray.get(ready, Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ray.get(List.of(ready), Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ready.get(Duration.ofMillis(-1)));
  }

  @Test
  void getWithAHugeTimeout_waitsLikeNoTimeout() {
    ObjectRef<Integer> ref = ray.task(() -> 7).remote();
    assertEquals(7, ray.get(ref, Duration.ofSeconds(Long.MAX_VALUE)));
    assertEquals(List.of(7), ray.get(List.of(ref), Duration.ofSeconds(Long.MAX_VALUE)));
  }

  @Test
  void getAfterATimeout_doesNotCancelTheTask() {
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> ref = ray.task(RayGetTimeoutTest::squareDelay, 3, release).remote();
    assertThrows(GetTimeoutException.class, () -> ray.get(ref, Duration.ofMillis(50)));
    release.countDown();
    assertEquals(9, ray.get(ref));
  }
}
