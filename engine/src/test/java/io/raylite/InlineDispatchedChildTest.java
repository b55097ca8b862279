package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A child dispatched at once (a CPU was free) but not started yet, because no worker is free to
 * take it from the pool, is claimed by its parent's nested get and run inline on the parent's
 * thread, as ForkJoinTask.join runs a forked task that nobody stole.
 *
 * <p>The runtime has 1.5 CPUs, so two pool workers: one is held by a task that waits on a latch
 * (a plain wait, which makes the pool add no spare thread), the other runs the parent. The
 * parent's child of half a CPU then fits in what is free, is dispatched onto the parent worker's
 * own queue, and stays there until the parent's get.
 */
class InlineDispatchedChildTest {
  static final CountDownLatch blockerStarted = new CountDownLatch(1);
  static final CountDownLatch releaseBlocker = new CountDownLatch(1);

  static int blocker() throws InterruptedException {
    blockerStarted.countDown();
    if (!releaseBlocker.await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("never released");
    }
    return 0;
  }

  static String threadName() {
    return Thread.currentThread().getName();
  }

  static String whereTheChildRan() {
    Raylite ray = Raylite.current();
    ObjectRef<String> child = ray.task(InlineDispatchedChildTest::threadName).numCpus(0.5).remote();
    String mine = Thread.currentThread().getName();
    return mine.equals(ray.get(child)) ? "inline in the parent's get" : "on another thread";
  }

  @Test
  void aNestedGetRunsADispatchedButNotStartedChildInline() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1.5).build()) {
      ObjectRef<Integer> blocking = ray.task(InlineDispatchedChildTest::blocker).numCpus(0.5).remote();
      assertEquals(true, blockerStarted.await(2, TimeUnit.MINUTES), "the blocker started");
      try {
        String where = ray.get(ray.task(InlineDispatchedChildTest::whereTheChildRan).numCpus(0.5).remote(),
            Duration.ofMinutes(2));
        assertEquals("inline in the parent's get", where);
      } finally {
        releaseBlocker.countDown();
      }
      assertEquals(0, ray.get(blocking, Duration.ofMinutes(2)));
      assertEquals(ray.totalResources(), ray.availableResources(), "the child's grant came back");
    }
  }
}
