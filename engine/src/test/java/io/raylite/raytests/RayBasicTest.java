package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RuntimeClosedException;
import io.raylite.TaskFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code python/ray/tests/test_basic.py} and {@code test_basic_2.py}: task
 * arguments and results of every kind, nested and recursive tasks, retries, option checks, calls on
 * a closed runtime; with {@code java/test/src/main/java/io/ray/test/RayCallTest.java} for the
 * arities.
 */
@Timeout(60)
class RayBasicTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static Object identity(Object x) {
    return x;
  }

  static int sum6(int a, int b, int c, int d, int e, int f) {
    return a + b + c + d + e + f;
  }

  static int fib(int n) {
    if (n < 2) {
      return n;
    }
    Raylite ray = Raylite.context().runtime();
    ObjectRef<Integer> a = ray.task(RayBasicTest::fib, n - 1).remote();
    ObjectRef<Integer> b = ray.task(RayBasicTest::fib, n - 2).remote();
    return ray.get(a) + ray.get(b);
  }

  static int failTwice(AtomicInteger attempts) {
    if (attempts.incrementAndGet() <= 2) {
      throw new IllegalStateException("attempt " + attempts.get());
    }
    return attempts.get();
  }

  @Test
  void argumentsAndResultsOfManyKinds_comeBackEqual() {
    List<Object> values = new ArrayList<>();
    values.add(null);
    values.add(1);
    values.add(1L << 40);
    values.add(1.5);
    values.add("string");
    values.add("");
    values.add(List.of(1, 2, 3));
    values.add(new ArrayList<>());
    values.add(java.util.Map.of("k", "v"));
    for (Object value : values) {
      assertEquals(value, ray.task(RayBasicTest::identity, value).remote().get());
    }
  }

  @Test
  void aTaskOfSixArguments_receivesThemAll() {
    assertEquals(21, ray.task(RayBasicTest::sum6, 1, 2, 3, 4, 5, 6).remote().get());
  }

  @Test
  void aTaskReturningNull_givesNull() {
    assertNull(ray.task(RayBasicTest::identity, (Object) null).remote().get());
  }

  @Test
  void recursiveTasksWithNestedGets_finishOnASmallRuntime() {
    try (Raylite one = Raylite.builder().cpus(1).build()) {
      assertEquals(55, one.task(RayBasicTest::fib, 10).remote().get());
    }
  }

  @Test
  void aRetriedTask_runsAgainUntilItSucceeds_withinMaxRetries() {
    AtomicInteger attempts = new AtomicInteger();
    assertEquals(3, ray.task(RayBasicTest::failTwice, attempts).maxRetries(2).retryAllExceptions().remote().get());
  }

  @Test
  void aTaskFailingMoreOftenThanMaxRetries_failsWithItsLastException() {
    AtomicInteger attempts = new AtomicInteger();
    TaskFailedException e = assertThrows(TaskFailedException.class,
        () -> ray.task(RayBasicTest::failTwice, attempts).maxRetries(1).retryAllExceptions().remote().get());
    assertEquals("attempt 2", e.getCause().getMessage());
  }

  @Test
  void maxRetriesZero_runsTheTaskOnce() {
    AtomicInteger attempts = new AtomicInteger();
    assertThrows(TaskFailedException.class,
        () -> ray.task(RayBasicTest::failTwice, attempts).maxRetries(0).retryAllExceptions().remote().get());
    assertEquals(1, attempts.get());
  }

  @Test
  void exceptionsNotNamedForRetry_areNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    assertThrows(TaskFailedException.class, () -> ray.task(RayBasicTest::failTwice, attempts)
        .maxRetries(5).retryExceptions(java.io.IOException.class).remote().get());
    assertEquals(1, attempts.get());
  }

  @Test
  void badOptions_areRefusedAtTheOptionsCall() {
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayBasicTest::identity, 1).maxRetries(-2));
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayBasicTest::identity, 1).numReturns(0));
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayBasicTest::identity, 1).numReturns(-1));
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayBasicTest::identity, 1).name(""));
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayBasicTest::identity, 1).name(null));
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayBasicTest::identity, 1).generatorBackpressure(0));
  }

  @Test
  void aNullFunction_isRefused() {
    assertThrows(NullPointerException.class, () -> ray.task((io.raylite.function.RayFunc0<Integer>) null));
  }

  @Test
  void callsOnAClosedRuntime_throwRuntimeClosedException() {
    Raylite closed = Raylite.builder().cpus(1).build();
    ObjectRef<Integer> put = closed.put(1);
    closed.close();
    assertThrows(RuntimeClosedException.class, () -> closed.task(RayBasicTest::identity, 1).remote());
    assertThrows(RuntimeClosedException.class, () -> closed.put(2));
    assertThrows(RuntimeClosedException.class, () -> closed.get(put));
    assertThrows(RuntimeClosedException.class, () -> closed.wait(List.of(put)));
  }

  @Test
  void closingTwice_isHarmless() {
    Raylite twice = Raylite.builder().cpus(1).build();
    twice.close();
    twice.close();
  }

  @Test
  void aRefFromAnotherRuntime_isRefused() {
    try (Raylite other = Raylite.builder().cpus(1).build()) {
      ObjectRef<Integer> foreign = other.put(1);
      assertThrows(IllegalArgumentException.class, () -> ray.get(foreign));
      assertThrows(IllegalArgumentException.class, () -> ray.task(RayBasicTest::plusOne, foreign).remote());
    }
  }

  @Test
  void manyTasks_allRunExactlyOnce() {
    AtomicInteger runs = new AtomicInteger();
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      refs.add(ray.task(RayBasicTest::count, runs).remote());
    }
    ray.get(refs);
    assertEquals(10_000, runs.get());
  }

  static int plusOne(int x) {
    return x + 1;
  }

  static int count(AtomicInteger runs) {
    return runs.incrementAndGet();
  }
}
