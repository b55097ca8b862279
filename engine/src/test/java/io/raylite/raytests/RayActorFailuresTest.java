package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code python/ray/tests/test_actor_failures.py}: restarts, retries of the
 * calls in flight, calls to a dead actor, handles passed to tasks after death, and what a
 * constructor failure does. A process kill there is an {@code Error} thrown by a method here
 * (README, "Failure model").
 */
@Timeout(60)
class RayActorFailuresTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class RestartableCounter {
    private int value;
    private final AtomicInteger builds;

    RestartableCounter(AtomicInteger builds) {
      this.builds = builds;
      builds.incrementAndGet();
    }

    int increase() {
      return ++value;
    }

    int builds() {
      return builds.get();
    }

    int dieAfter(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      if (Raylite.context().wasActorRestarted()) {
        return -1;
      }
      entered.countDown();
      release.await();
      throw new OutOfMemoryError("killed");
    }

    int die() {
      throw new OutOfMemoryError("killed");
    }
  }

  @Test
  void callsQueuedBehindACallThatKillsTheActor_areRetriedOnTheRestartedActor_withMaxTaskRetries()
      throws InterruptedException {
    AtomicInteger builds = new AtomicInteger();
    ActorHandle<RestartableCounter> actor = ray.actor(RestartableCounter::new, builds)
        .maxRestarts(1).maxTaskRetries(-1).remote();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> dying = actor.task(RestartableCounter::dieAfter, entered, release).remote();
    List<ObjectRef<Integer>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(actor.task(RestartableCounter::increase).remote());
    }
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    release.countDown();
    assertEquals(-1, dying.get(), "the dying call itself is retried too");
    assertEquals(List.of(1, 2, 3, 4, 5), ray.get(queued), "retried in submission order on the fresh actor");
    assertEquals(2, builds.get());
  }

  @Test
  void withoutTaskRetries_callsInFlightWhenTheActorDies_failWithActorDiedException_andLaterCallsRun()
      throws InterruptedException {
    AtomicInteger builds = new AtomicInteger();
    ActorHandle<RestartableCounter> actor = ray.actor(RestartableCounter::new, builds).maxRestarts(1).remote();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> dying = actor.task(RestartableCounter::dieAfter, entered, release).remote();
    ObjectRef<Integer> queued = actor.task(RestartableCounter::increase).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    release.countDown();
    ActorDiedException died = assertThrows(ActorDiedException.class, dying::get);
    assertInstanceOf(OutOfMemoryError.class, died.getCause());
    assertThrows(ActorDiedException.class, queued::get);
    assertEquals(1, actor.task(RestartableCounter::increase).remote().get());
  }

  static int callThroughHandle(ActorHandle<RestartableCounter> actor) {
    return actor.task(RestartableCounter::increase).remote().get();
  }

  @Test
  void aHandleToADeadActor_passedToATask_failsTheTaskWithActorDiedException() {
    ActorHandle<RestartableCounter> actor = ray.actor(RestartableCounter::new, new AtomicInteger()).remote();
    assertThrows(ActorDiedException.class, () -> actor.task(RestartableCounter::die).remote().get());
    TaskFailedException e = assertThrows(TaskFailedException.class,
        () -> ray.task(RayActorFailuresTest::callThroughHandle, actor).remote().get());
    assertInstanceOf(ActorDiedException.class, e.getCause());
  }

  @Test
  void restartsAreCountedAcrossFailures_andTheActorStaysDeadAfterTheLast() {
    AtomicInteger builds = new AtomicInteger();
    ActorHandle<RestartableCounter> actor = ray.actor(RestartableCounter::new, builds).maxRestarts(3).remote();
    for (int i = 0; i < 3; i++) {
      assertThrows(ActorDiedException.class, () -> actor.task(RestartableCounter::die).remote().get());
      assertEquals(1, actor.task(RestartableCounter::increase).remote().get());
    }
    assertThrows(ActorDiedException.class, () -> actor.task(RestartableCounter::die).remote().get());
    assertThrows(ActorDiedException.class, () -> actor.task(RestartableCounter::increase).remote().get());
    assertEquals(4, builds.get());
  }

  @Test
  void killWithNoRestartFalse_onAnActorWithoutRestarts_killsItForGood() {
    ActorHandle<RestartableCounter> actor = ray.actor(RestartableCounter::new, new AtomicInteger()).remote();
    assertEquals(1, actor.task(RestartableCounter::increase).remote().get());
    ray.kill(actor, false);
    assertThrows(ActorDiedException.class, () -> actor.task(RestartableCounter::increase).remote().get());
  }

  @Test
  void killWithNoRestartFalse_usesARestart_andTheActorComesBackFresh() {
    AtomicInteger builds = new AtomicInteger();
    ActorHandle<RestartableCounter> actor = ray.actor(RestartableCounter::new, builds).maxRestarts(1).remote();
    assertEquals(1, actor.task(RestartableCounter::increase).remote().get());
    ray.kill(actor, false);
    assertEquals(1, actor.task(RestartableCounter::increase).remote().get());
    assertEquals(2, actor.task(RestartableCounter::builds).remote().get());
    ray.kill(actor, false);
    assertThrows(ActorDiedException.class, () -> actor.task(RestartableCounter::increase).remote().get());
  }

  static final class FailsToBuild {
    FailsToBuild() {
      throw new IllegalStateException("no");
    }

    int ping() {
      return 1;
    }
  }

  @Test
  void anActorWhoseConstructorAlwaysFails_failsEveryCall_withTheConstructorsException() {
    ActorHandle<FailsToBuild> actor = ray.actor(FailsToBuild::new).maxRestarts(2).remote();
    for (int i = 0; i < 3; i++) {
      ActorDiedException e = assertThrows(ActorDiedException.class, () -> actor.task(FailsToBuild::ping).remote().get());
      assertInstanceOf(IllegalStateException.class, e.getCause());
    }
  }
}
