package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskCancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code python/ray/tests/test_cancel.py} (Ray's Java tests have no cancel
 * test). Sleeps there become latches here.
 */
@Timeout(60)
class RayCancelTest {
  private final Raylite ray = Raylite.builder().cpus(1).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static int block(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
    entered.countDown();
    release.await();
    return 1;
  }

  static int sleepUntilInterrupted(CountDownLatch entered) {
    entered.countDown();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 2;
  }

  static int plusOne(int x) {
    return x + 1;
  }

  static int markRan(AtomicBoolean ran) {
    ran.set(true);
    return 0;
  }

  @Test
  void cancellingAQueuedTask_failsItsGet_andItNeverRuns() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> running = ray.task(RayCancelTest::block, entered, release).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    AtomicBoolean ran = new AtomicBoolean();
    ObjectRef<Integer> queued = ray.task(RayCancelTest::markRan, ran).remote();
    assertTrue(ray.cancel(queued, false));
    assertThrows(TaskCancelledException.class, queued::get);
    release.countDown();
    assertEquals(1, running.get());
    assertFalse(ran.get());
  }

  @Test
  void forceCancellingARunningTask_interruptsIt_andGetThrowsTaskCancelledException()
      throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    ObjectRef<Integer> running = ray.task(RayCancelTest::sleepUntilInterrupted, entered).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    assertTrue(ray.cancel(running, true));
    assertThrows(TaskCancelledException.class, running::get);
    assertEquals(2, ray.task(RayCancelTest::plusOne, 1).remote().get(), "the worker serves again");
  }

  @Test
  void cancellingAFinishedTask_returnsFalse_andItsResultStays() {
    ObjectRef<Integer> done = ray.task(RayCancelTest::plusOne, 1).remote();
    assertEquals(2, done.get());
    assertFalse(ray.cancel(done, false));
    assertFalse(ray.cancel(done, true));
    assertEquals(2, done.get());
  }

  @Test
  void cancellingAPutObject_returnsFalse() {
    ObjectRef<Integer> put = ray.put(1);
    assertFalse(ray.cancel(put, false));
    assertEquals(1, put.get());
  }

  @Test
  void cancellingTwice_isHarmless() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> running = ray.task(RayCancelTest::block, entered, release).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    ObjectRef<Integer> queued = ray.task(RayCancelTest::plusOne, 1).remote();
    assertTrue(ray.cancel(queued, false));
    assertFalse(ray.cancel(queued, false));
    assertThrows(TaskCancelledException.class, queued::get);
    release.countDown();
    running.get();
  }

  @Test
  void tasksThatDependOnACancelledTask_failWithTaskCancelledException() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> head = ray.task(RayCancelTest::block, entered, release).remote();
    List<ObjectRef<Integer>> chain = new ArrayList<>();
    ObjectRef<Integer> last = head;
    for (int i = 0; i < 10; i++) {
      last = ray.task(RayCancelTest::plusOne, last).remote();
      chain.add(last);
    }
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    ray.cancel(head, true);
    for (ObjectRef<Integer> ref : chain) {
      assertThrows(TaskCancelledException.class, ref::get);
    }
  }

  @Test
  void cancellingATaskWaitingForAnArgument_failsIt_withoutCancellingTheArgument()
      throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> argument = ray.task(RayCancelTest::block, entered, release).remote();
    ObjectRef<Integer> dependent = ray.task(RayCancelTest::plusOne, argument).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    assertTrue(ray.cancel(dependent, false));
    assertThrows(TaskCancelledException.class, dependent::get);
    release.countDown();
    assertEquals(1, argument.get());
  }

  @Test
  void aWaitOnACancelledTask_countsItAsReady() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    ObjectRef<Integer> running = ray.task(RayCancelTest::sleepUntilInterrupted, entered).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    ray.cancel(running, true);
    assertEquals(List.of(running), ray.wait(List.of(running), 1, Duration.ofSeconds(30)).ready());
  }

  static int spawnChildAndWait(CountDownLatch childEntered) {
    Raylite ray = Raylite.context().runtime();
    ObjectRef<Integer> child = ray.task(RayCancelTest::sleepUntilInterrupted, childEntered).remote();
    return child.get();
  }

  @Test
  void cancellingATask_cancelsTheTasksItSubmitted_asRaysRecursiveCancelDoes() throws InterruptedException {
    try (Raylite two = Raylite.builder().cpus(2).build()) {
      CountDownLatch childEntered = new CountDownLatch(1);
      ObjectRef<Integer> parent = two.task(RayCancelTest::spawnChildAndWait, childEntered).remote();
      assertTrue(childEntered.await(30, TimeUnit.SECONDS));
      assertTrue(two.cancel(parent, true));
      assertThrows(TaskCancelledException.class, parent::get);
      // The child, interrupted too, would otherwise hold its CPU until it ends on its own.
      assertEquals(2, two.task(RayCancelTest::plusOne, 1).numCpus(2).remote().get(Duration.ofSeconds(30)));
    }
  }

  static final class Waiter {
    int block(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      entered.countDown();
      release.await();
      return 1;
    }

    int quick() {
      return 2;
    }
  }

  @Test
  void cancellingAQueuedActorCall_failsIt_andLaterCallsStillRun() throws InterruptedException {
    ActorHandle<Waiter> actor = ray.actor(Waiter::new).remote();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> running = actor.task(Waiter::block, entered, release).remote();
    ObjectRef<Integer> queued = actor.task(Waiter::quick).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    assertTrue(ray.cancel(queued, false));
    release.countDown();
    assertEquals(1, running.get());
    assertThrows(TaskCancelledException.class, queued::get);
    assertEquals(2, actor.task(Waiter::quick).remote().get());
  }

  @Test
  void forceCancellingAnActorCall_isRefused() {
    ActorHandle<Waiter> actor = ray.actor(Waiter::new).remote();
    ObjectRef<Integer> call = actor.task(Waiter::quick).remote();
    assertThrows(IllegalArgumentException.class, () -> ray.cancel(call, true));
  }

  @Test
  void forceCancellingAFinishedActorCall_isRefusedAllTheSame() {
    ActorHandle<Waiter> actor = ray.actor(Waiter::new).remote();
    ObjectRef<Integer> call = actor.task(Waiter::quick).remote();
    ray.get(call);
    assertThrows(IllegalArgumentException.class, () -> ray.cancel(call, true));
  }

  @Test
  void cancelOfANullRef_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ray.cancel(null, false));
  }
}
