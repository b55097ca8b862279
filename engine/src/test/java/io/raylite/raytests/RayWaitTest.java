package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.WaitResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/WaitTest.java}, with the argument
 * checks of {@code ray.wait} in {@code python/ray/_private/worker.py} and
 * {@code python/ray/tests/test_basic_2.py}. Ray's 100-second sleep becomes a latch never released.
 */
@Timeout(60)
class RayWaitTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static String hi() {
    return "hi";
  }

  static String delayedHi(CountDownLatch release) throws InterruptedException {
    release.await();
    return "hi";
  }

  static void waitForOneOfTwo(Raylite ray) {
    ObjectRef<String> quick = ray.task(RayWaitTest::hi).remote();
    ObjectRef<String> slow = ray.task(RayWaitTest::delayedHi, new CountDownLatch(1)).remote();
    quick.get();
    WaitResult<String> result = ray.wait(List.of(quick, slow), 2, Duration.ofMillis(200));
    assertEquals(List.of(quick), result.ready());
    assertEquals(List.of(slow), result.unready());
    assertEquals("hi", result.ready().getFirst().get());
  }

  @Test
  void waitInTheDriver_returnsTheReadyRefAfterTheTimeout() {
    waitForOneOfTwo(ray);
  }

  static Object waitInWorker() {
    waitForOneOfTwo(Raylite.context().runtime());
    return "done";
  }

  @Test
  void waitInATask_returnsTheReadyRefAfterTheTimeout() {
    assertEquals("done", ray.task(RayWaitTest::waitInWorker).remote().get());
  }

  @Test
  void waitForAnEmptyList_returnsTwoEmptyLists_andForNull_throwsNullPointerException() {
    WaitResult<String> result = ray.wait(new ArrayList<>());
    assertTrue(result.ready().isEmpty());
    assertTrue(result.unready().isEmpty());
    assertThrows(NullPointerException.class, () -> ray.wait(null));
  }

  @Test
  void waitWithAZeroTimeout_returnsAtOnce_withWhatIsReady() {
    ObjectRef<String> ready = ray.put("x");
    ObjectRef<String> never = ray.task(RayWaitTest::delayedHi, new CountDownLatch(1)).remote();
    WaitResult<String> result = ray.wait(List.of(never, ready), 2, Duration.ZERO);
    assertEquals(List.of(ready), result.ready());
    assertEquals(List.of(never), result.unready());
  }

  @Test
  void waitWithANegativeTimeout_isRefused() {
    ObjectRef<String> ready = ray.put("x");
    assertThrows(IllegalArgumentException.class, () -> ray.wait(List.of(ready), 1, Duration.ofSeconds(-1)));
  }

  @Test
  void waitForMoreReturnsThanRefs_isRefused() {
    ObjectRef<String> ready = ray.put("x");
    assertThrows(IllegalArgumentException.class, () -> ray.wait(List.of(ready), 2, null));
  }

  @Test
  void waitForZeroOrNegativeReturns_isRefused() {
    ObjectRef<String> ready = ray.put("x");
    assertThrows(IllegalArgumentException.class, () -> ray.wait(List.of(ready), 0, null));
    assertThrows(IllegalArgumentException.class, () -> ray.wait(List.of(ready), -1, null));
  }

  @Test
  void waitWithARepeatedRef_isRefused() {
    ObjectRef<String> ready = ray.put("x");
    assertThrows(IllegalArgumentException.class, () -> ray.wait(List.of(ready, ready), 1, null));
  }

  @Test
  void waitWithANullRefInTheList_isRefused() {
    List<ObjectRef<String>> refs = new ArrayList<>();
    refs.add(ray.put("x"));
    refs.add(null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ray.wait(refs, 1, null));
    assertTrue(e.getMessage().contains("refs[1] is null"), e.getMessage());
  }

  @Test
  void waitForFewerThanAll_returnsExactlyNumReturnsReady_evenWhenMoreAreReady() {
    List<ObjectRef<Integer>> refs = List.of(ray.put(1), ray.put(2), ray.put(3));
    WaitResult<Integer> result = ray.wait(refs, 2, null);
    assertEquals(refs.subList(0, 2), result.ready());
    assertEquals(refs.subList(2, 3), result.unready());
  }

  @Test
  void aFailedTask_countsAsReady() {
    ObjectRef<Integer> failed = ray.task(RayWaitTest::fail).remote();
    WaitResult<Integer> result = ray.wait(List.of(failed), 1, Duration.ofSeconds(30));
    assertEquals(List.of(failed), result.ready());
  }

  static int fail() {
    throw new IllegalStateException("failed");
  }
}
