package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failed or cancelled task reaches every task that depends on it, however many there are and
 * however long the chain, and the messages of nested failures stay bounded.
 */
class FailurePropagationTest {
  /** Far more dependents than a recursive hand-over could reach before the stack overflows. */
  private static final int DEPENDENTS = 100_000;
  /** Generous: the dependents fail in well under a second; this only keeps a regression from hanging. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final Raylite ray = Raylite.builder().cpus(2).timelineCapacity(0).build();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    ray.close();
  }

  static int plusOne(int a) {
    return a + 1;
  }

  private ObjectRef<Integer> headThatFailsWhenReleased() {
    return ray.<Integer>task(() -> {
      release.await();
      throw new IllegalStateException("head failed");
    }).name("head").remote();
  }

  private ObjectRef<Integer> headThatWaits() {
    return ray.<Integer>task(() -> {
      release.await();
      return 0;
    }).name("head").remote();
  }

  private List<ObjectRef<Integer>> chainAfter(ObjectRef<Integer> head) {
    List<ObjectRef<Integer>> chain = new ArrayList<>(DEPENDENTS);
    ObjectRef<Integer> previous = head;
    for (int i = 0; i < DEPENDENTS; i++) {
      previous = ray.task(FailurePropagationTest::plusOne, previous).remote();
      chain.add(previous);
    }
    return chain;
  }

  private List<ObjectRef<Integer>> fanOutOf(ObjectRef<Integer> head) {
    List<ObjectRef<Integer>> dependents = new ArrayList<>(DEPENDENTS);
    for (int i = 0; i < DEPENDENTS; i++) {
      dependents.add(ray.task(FailurePropagationTest::plusOne, head).remote());
    }
    return dependents;
  }

  private static void assertEveryOneFailsWith(RayliteException expected, List<ObjectRef<Integer>> dependents) {
    // The last first: it is the one a recursive hand-over never reaches.
    RayliteException last = assertThrows(RayliteException.class,
        () -> dependents.getLast().get(PATIENCE));
    assertSame(expected, last);
    for (ObjectRef<Integer> ref : dependents) {
      assertSame(expected, assertThrows(RayliteException.class, () -> ref.get(PATIENCE)));
    }
  }

  @Test
  void failedHead_failsEveryTaskOfAHundredThousandLongChain() {
    ObjectRef<Integer> head = headThatFailsWhenReleased();
    List<ObjectRef<Integer>> chain = chainAfter(head);
    release.countDown();
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> head.get(PATIENCE));
    assertEveryOneFailsWith(failure, chain);
  }

  @Test
  void cancelledHead_cancelsEveryTaskOfAHundredThousandLongChain() {
    ObjectRef<Integer> head = headThatWaits();
    List<ObjectRef<Integer>> chain = chainAfter(head);
    ray.cancel(head, true);
    TaskCancelledException failure = assertThrows(TaskCancelledException.class, () -> head.get(PATIENCE));
    assertEveryOneFailsWith(failure, chain);
  }

  @Test
  void failedHead_failsAHundredThousandDirectDependents() {
    ObjectRef<Integer> head = headThatFailsWhenReleased();
    List<ObjectRef<Integer>> dependents = fanOutOf(head);
    release.countDown();
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> head.get(PATIENCE));
    assertEveryOneFailsWith(failure, dependents);
  }

  @Test
  void cancelledHead_cancelsAHundredThousandDirectDependents() {
    ObjectRef<Integer> head = headThatWaits();
    List<ObjectRef<Integer>> dependents = fanOutOf(head);
    ray.cancel(head, true);
    TaskCancelledException failure = assertThrows(TaskCancelledException.class, () -> head.get(PATIENCE));
    assertEveryOneFailsWith(failure, dependents);
  }

  @Test
  void failedHead_failsTheCompletableFuturesOfAHundredThousandLongChain() throws Exception {
    ObjectRef<Integer> head = headThatFailsWhenReleased();
    List<ObjectRef<Integer>> chain = chainAfter(head);
    var last = chain.getLast().toCompletableFuture();
    release.countDown();
    var e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> last.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    assertInstanceOf(TaskFailedException.class, e.getCause());
    assertEquals("head failed", e.getCause().getCause().getMessage());
  }

  /** Each level fails with the failure of the level below, as nested gets do. */
  static int failNested(int depth) {
    if (depth == 0) {
      throw new IllegalStateException("bottom failed: " + "x".repeat(200));
    }
    Raylite ray = Raylite.current();
    return ray.get(ray.task(FailurePropagationTest::failNested, depth - 1).name("level " + (depth - 1)).remote());
  }

  @Test
  void nestedGetFailures_keepEveryMessageBoundedAndTheChainLinear() {
    int depth = 150;
    ObjectRef<Integer> top = ray.task(FailurePropagationTest::failNested, depth).name("level " + depth).remote();
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> top.get(PATIENCE));
    int levels = 0;
    long total = 0;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      assertTrue(message.length() <= 1_000, "a message of " + message.length() + " characters: "
          + message.substring(0, 200));
      total += message.length();
      levels++;
    }
    assertEquals(depth + 2, levels);  // every task's failure, and the bottom's exception
    assertTrue(total <= 1_000L * levels, "the chain's messages hold " + total + " characters");
    assertTrue(failure.getMessage().startsWith("task 'level " + depth + "'"), failure.getMessage());
  }
}
