package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailureTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static int divide(int a, int b) {
    return a / b;
  }

  static int plusOne(int a) {
    return a + 1;
  }

  @Test
  void failureReachesGetWithTheOriginalCause() {
    ObjectRef<Integer> ref = ray.task(FailureTest::divide, 1, 0).name("divide").remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(ref));
    assertInstanceOf(ArithmeticException.class, e.getCause());
    assertEquals("divide", e.taskName());
    assertTrue(e.getMessage().contains("task 'divide'"), e.getMessage());
  }

  @Test
  void checkedExceptionsAreNotWrapped() {
    ObjectRef<Integer> ref = ray.<Integer>task(() -> {
      throw new IOException("disk on fire");
    }).remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(ref));
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals("disk on fire", e.getCause().getMessage());
  }

  @Test
  void aFailedArgumentFailsItsDependentsWithTheSameException() {
    ObjectRef<Integer> bad = ray.task(FailureTest::divide, 1, 0).remote();
    ObjectRef<Integer> dependent = ray.task(FailureTest::plusOne, bad).remote();
    ObjectRef<Integer> further = ray.task(FailureTest::plusOne, dependent).remote();
    TaskFailedException root = assertThrows(TaskFailedException.class, () -> ray.get(bad));
    assertSame(root, assertThrows(TaskFailedException.class, () -> ray.get(further)));
  }

  @Test
  void completableFutureFailsWithTheTaskException() {
    ObjectRef<Integer> ref = ray.task(FailureTest::divide, 1, 0).remote();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> ref.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(TaskFailedException.class, e.getCause());
    assertInstanceOf(ArithmeticException.class, e.getCause().getCause());
  }

  @Test
  void retryableExceptionsAreRetriedUpToMaxRetries() {
    AtomicInteger attempts = new AtomicInteger();
    ObjectRef<Integer> ref = ray.task(() -> {
      int attempt = Raylite.context().attempt();
      attempts.incrementAndGet();
      if (attempt < 2) {
        throw new UncheckedIOException(new IOException("flaky " + attempt));
      }
      return attempt;
    }).maxRetries(5).retryExceptions(UncheckedIOException.class).remote();
    assertEquals(2, ray.get(ref));
    assertEquals(3, attempts.get());
  }

  @Test
  void retriesStopAtMaxRetries() {
    AtomicInteger attempts = new AtomicInteger();
    ObjectRef<Integer> ref = ray.<Integer>task(() -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("always");
    }).maxRetries(2).retryAllExceptions().remote();
    assertThrows(TaskFailedException.class, () -> ray.get(ref));
    assertEquals(3, attempts.get(), "one run and two retries");
  }

  @Test
  void exceptionsNotListedAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    ObjectRef<Integer> ref = ray.<Integer>task(() -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("not retryable");
    }).maxRetries(5).retryExceptions(UncheckedIOException.class).remote();
    assertThrows(TaskFailedException.class, () -> ray.get(ref));
    assertEquals(1, attempts.get());
  }

  @Test
  void byDefaultNothingIsRetried() {
    AtomicInteger attempts = new AtomicInteger();
    ObjectRef<Integer> ref = ray.<Integer>task(() -> {
      attempts.incrementAndGet();
      throw new UncheckedIOException(new IOException("x"));
    }).remote();
    assertThrows(TaskFailedException.class, () -> ray.get(ref));
    assertEquals(1, attempts.get());
  }

  @Test
  void cancelBeforeStartMeansTheTaskNeverRuns() throws Exception {
    try (Raylite one = Raylite.builder().cpus(1).build()) {
      CountDownLatch running = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> blocker = one.task(() -> {
        running.countDown();
        release.get(10, TimeUnit.SECONDS);
        return 0;
      }).remote();
      assertTrue(running.await(10, TimeUnit.SECONDS));
      AtomicInteger ran = new AtomicInteger();
      ObjectRef<Integer> queued = one.task(ran::incrementAndGet).remote();
      ObjectRef<Integer> dependent = one.task(FailureTest::plusOne, queued).remote();
      assertTrue(one.cancel(queued, false));
      assertFalse(one.cancel(queued, false), "a second cancel finds it done");
      release.complete(null);
      assertEquals(0, one.get(blocker));
      assertThrows(TaskCancelledException.class, () -> one.get(queued));
      assertThrows(TaskCancelledException.class, () -> one.get(dependent));
      assertEquals(1, one.get(one.task(() -> 1).remote()), "the CPU was given back");
      assertEquals(0, ran.get());
    }
  }

  @Test
  void forcedCancelInterruptsARunningTask() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    ObjectRef<Integer> ref = ray.task(() -> {
      running.countDown();
      try {
        new CompletableFuture<Void>().get(30, TimeUnit.SECONDS);
        interrupted.complete(false);
      } catch (InterruptedException e) {
        interrupted.complete(true);
        throw e;
      }
      return 1;
    }).remote();
    assertTrue(running.await(10, TimeUnit.SECONDS));
    assertTrue(ray.cancel(ref, true));
    assertThrows(TaskCancelledException.class, () -> ray.get(ref));
    assertTrue(interrupted.get(10, TimeUnit.SECONDS));
  }

  @Test
  void unforcedCancelOfARunningTaskIsVisibleInItsContext() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Void> checked = new CompletableFuture<>();
    CompletableFuture<Boolean> sawCancel = new CompletableFuture<>();
    ObjectRef<Integer> ref = ray.task(() -> {
      running.countDown();
      checked.get(10, TimeUnit.SECONDS);
      sawCancel.complete(Raylite.context().isCancelled() && !Thread.currentThread().isInterrupted());
      return 1;
    }).remote();
    assertTrue(running.await(10, TimeUnit.SECONDS));
    assertTrue(ray.cancel(ref, false));
    checked.complete(null);
    assertTrue(sawCancel.get(10, TimeUnit.SECONDS));
    assertThrows(TaskCancelledException.class, () -> ray.get(ref));
  }

  @Test
  void cancelOfAFinishedTaskOrAPutObjectReturnsFalse() {
    ObjectRef<Integer> done = ray.task(() -> 1).remote();
    assertEquals(1, ray.get(done));
    assertFalse(ray.cancel(done, true));
    assertFalse(ray.cancel(ray.put(1), true));
    assertEquals(1, ray.get(done));
  }

  @Test
  void getWithTimeoutThrowsAndTheTaskGoesOn() {
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    ObjectRef<Integer> ref = ray.task(() -> gate.get(10, TimeUnit.SECONDS)).remote();
    GetTimeoutException e = assertThrows(GetTimeoutException.class, () -> ray.get(ref, Duration.ofMillis(20)));
    assertTrue(e.getMessage().contains(ref.id()), e.getMessage());
    gate.complete(5);
    assertEquals(5, ray.get(ref, Duration.ofSeconds(10)));
  }

  @Test
  void getOfAListWithTimeoutCountsTheWholeWait() {
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    refs.add(ray.put(1));
    refs.add(ray.task(() -> gate.get(10, TimeUnit.SECONDS)).remote());
    assertThrows(GetTimeoutException.class, () -> ray.get(refs, Duration.ofMillis(20)));
    gate.complete(2);
    assertEquals(List.of(1, 2), ray.get(refs, Duration.ofSeconds(10)));
  }

  @Test
  void badCallArgumentsFailWithTheirName() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ray.get(ray.put(1), Duration.ofSeconds(-1))).getMessage().contains("timeout"));
    ObjectRef<Integer> foreign = new ObjectRef<>() {
      public String id() { return "x"; }
      public Integer get() { return 1; }
      public Integer get(Duration d) { return 1; }
      public boolean isReady() { return true; }
      public CompletableFuture<Integer> toCompletableFuture() { return CompletableFuture.completedFuture(1); }
    };
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ray.get(foreign))
        .getMessage().contains("created by a Raylite runtime"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ray.wait(List.of(ray.put(1)), 2, Duration.ZERO)).getMessage().contains("numReturns"));
  }
}
