package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The failure model: exceptions, actor death, restarts, retries of lost calls, kill and exit. */
@Timeout(60)
class ActorFailureTest {

  static final class Fragile {
    private int value;

    Fragile(AtomicInteger builds) {
      builds.incrementAndGet();
    }

    int add(int n) {
      value += n;
      return value;
    }

    int failWith(String message) throws IOException {
      throw new IOException(message);
    }

    int crash() {
      throw new AssertionError("boom");
    }

    /** Blocks, then throws an Error; returns -1 at once on a rebuilt actor. */
    int blockThenCrash(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      if (Raylite.context().wasActorRestarted()) {
        return -1;
      }
      entered.countDown();
      release.await();
      throw new AssertionError("crash after block");
    }

    int block(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      entered.countDown();
      release.await();
      return value;
    }

    boolean restarted() {
      return Raylite.context().wasActorRestarted();
    }

    void exit() {
      Raylite.exitActor();
    }
  }

  static final class FlakyBuild {
    private final boolean builtAsRestart = Raylite.context().wasActorRestarted();

    FlakyBuild(AtomicInteger builds, int failures) {
      if (builds.incrementAndGet() <= failures) {
        throw new IllegalStateException("build " + builds.get() + " fails");
      }
    }

    boolean restarted() {
      return Raylite.context().wasActorRestarted();
    }

    boolean builtAsRestart() {
      return builtAsRestart;
    }
  }

  /** Counts how many of its calls run at once, across every incarnation of the actor. */
  static final class Exclusive {
    private final AtomicInteger active;
    private final AtomicInteger maxActive;

    Exclusive(AtomicInteger active, AtomicInteger maxActive) {
      this.active = active;
      this.maxActive = maxActive;
    }

    int echo(int x) {
      maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
      active.decrementAndGet();
      return x;
    }
  }

  static ActorDiedException died(ObjectRef<?> ref) {
    return assertThrows(ActorDiedException.class, ref::get);
  }

  @Test
  void methodThrowingAnException_failsOnlyThatCall_andTheActorKeepsItsState() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, builds).remote();
      assertEquals(1, ray.get(actor.task(Fragile::add, 1).remote()));
      TaskFailedException failed = assertThrows(TaskFailedException.class,
          () -> ray.get(actor.task(Fragile::failWith, "disk full").remote()));
      assertInstanceOf(IOException.class, failed.getCause());
      assertEquals("disk full", failed.getCause().getMessage());
      assertEquals("ActorFailureTest.Fragile.failWith", failed.taskName());
      assertEquals(2, ray.get(actor.task(Fragile::add, 1).remote()));
      assertEquals(1, builds.get());
    }
  }

  @Test
  void methodThrowingAnError_withoutRestarts_killsTheActor_andLaterCallsFailAtOnce() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, new AtomicInteger()).name("fragile").remote();
      ActorDiedException crash = died(actor.task(Fragile::crash).remote());
      assertInstanceOf(AssertionError.class, crash.getCause());
      assertEquals("fragile", crash.actorName());
      assertEquals(actor.id(), crash.actorId());
      assertTrue(crash.getMessage().contains("'fragile'"), crash.getMessage());

      ObjectRef<Integer> later = actor.task(Fragile::add, 1).remote();
      assertTrue(later.isReady(), "a call to a dead actor fails at submission");
      assertSame(AssertionError.class, died(later).getCause().getClass());
      assertTrue(ray.getActor("fragile").isEmpty(), "a dead actor's name is freed");
    }
  }

  @Test
  void constructorThrowing_withoutRestarts_failsEveryCallWithItsException() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<FlakyBuild> actor = ray.actor(FlakyBuild::new, builds, 1).remote();
      ActorDiedException e = died(actor.task(FlakyBuild::restarted).remote());
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(e.getMessage().contains("constructor"), e.getMessage());
      assertEquals(1, builds.get());
    }
  }

  @Test
  void constructorThrowing_isRunAgainUpToMaxRestarts_thenTheActorServes() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<FlakyBuild> actor = ray.actor(FlakyBuild::new, builds, 2).maxRestarts(2).remote();
      assertTrue(ray.get(actor.task(FlakyBuild::restarted).remote()));
      assertTrue(ray.get(actor.task(FlakyBuild::builtAsRestart).remote()), "the constructor sees it too");
      assertEquals(3, builds.get());
    }
  }

  @Test
  void constructorThrowing_moreOftenThanMaxRestarts_killsTheActor() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<FlakyBuild> actor = ray.actor(FlakyBuild::new, builds, 5).maxRestarts(2).remote();
      assertEquals("build 3 fails", died(actor.task(FlakyBuild::restarted).remote()).getCause().getMessage());
      assertEquals(3, builds.get());
    }
  }

  @Test
  void errorWithRestartsLeft_rebuildsTheActorWithFreshState_untilTheRestartsRunOut() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, builds).maxRestarts(2).remote();
      assertEquals(5, ray.get(actor.task(Fragile::add, 5).remote()));
      assertFalse(ray.get(actor.task(Fragile::restarted).remote()));

      died(actor.task(Fragile::crash).remote());  // restart 1; the crashing call is not retried
      assertEquals(1, ray.get(actor.task(Fragile::add, 1).remote()));
      assertTrue(ray.get(actor.task(Fragile::restarted).remote()));

      died(actor.task(Fragile::crash).remote());  // restart 2
      assertEquals(1, ray.get(actor.task(Fragile::add, 1).remote()));
      died(actor.task(Fragile::crash).remote());  // no restart left
      died(actor.task(Fragile::add, 1).remote());
      assertEquals(3, builds.get());
    }
  }

  @Test
  void callsQueuedWhenTheActorFails_runOnTheRebuiltActor_whenRetriesAreLeft() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, builds).maxRestarts(1).maxTaskRetries(1).remote();
      assertEquals(10, ray.get(actor.task(Fragile::add, 10).remote()));
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<Integer> crashing = actor.task(Fragile::blockThenCrash, entered, release).remote();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the first call started");
      ObjectRef<Integer> first = actor.task(Fragile::add, 1).remote();
      ObjectRef<Integer> second = actor.task(Fragile::add, 2).remote();
      release.countDown();
      assertEquals(-1, ray.get(crashing), "the crashing call itself is retried, first");
      assertEquals(1, ray.get(first), "queued calls run in order on the fresh instance");
      assertEquals(3, ray.get(second));
      assertEquals(2, builds.get());
    }
  }

  @Test
  void callsQueuedWhenTheActorFails_failWithActorDied_withoutRetries_whileLaterCallsRun() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, builds).maxRestarts(1).remote();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<Integer> crashing = actor.task(Fragile::blockThenCrash, entered, release).remote();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the first call started");
      ObjectRef<Integer> queued = actor.task(Fragile::add, 1).remote();
      release.countDown();
      assertInstanceOf(AssertionError.class, died(crashing).getCause());
      ActorDiedException lost = died(queued);
      assertTrue(lost.getMessage().contains("no retry left"), lost.getMessage());
      assertEquals(5, ray.get(actor.task(Fragile::add, 5).remote()));
      assertEquals(2, builds.get());
    }
  }

  @Test
  void kill_withNoRestart_failsRunningQueuedAndLaterCalls_despiteRestartsLeft() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, builds).name("doomed").maxRestarts(3).remote();
      CountDownLatch entered = new CountDownLatch(1);
      ObjectRef<Integer> running = actor.task(Fragile::block, entered, new CountDownLatch(1)).remote();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the first call started");
      ObjectRef<Integer> queued = actor.task(Fragile::add, 1).remote();

      ray.kill(actor);

      assertTrue(running.isReady() && queued.isReady(), "kill fails pending calls before it returns");
      assertTrue(died(running).getMessage().contains("killed"));
      died(queued);
      died(actor.task(Fragile::add, 1).remote());
      assertTrue(ray.getActor("doomed").isEmpty());
      assertEquals(1, builds.get());
      ray.kill(actor, false);  // killing a dead actor does nothing
    }
  }

  @Test
  void kill_withRestartAllowed_rebuildsTheActor_untilTheRestartsRunOut() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, builds).maxRestarts(1).remote();
      assertEquals(3, ray.get(actor.task(Fragile::add, 3).remote()));

      ray.kill(actor, false);
      assertEquals(1, ray.get(actor.task(Fragile::add, 1).remote()));
      assertTrue(ray.get(actor.task(Fragile::restarted).remote()));

      ray.kill(actor, false);
      died(actor.task(Fragile::add, 1).remote());
      assertEquals(2, builds.get());
    }
  }

  @Test
  void exitActor_fromInside_endsTheActorWithoutRestart() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      AtomicInteger builds = new AtomicInteger();
      ActorHandle<Fragile> actor = ray.actor(Fragile::new, builds).name("leaving").maxRestarts(5).remote();
      ActorDiedException exit = died(actor.task(Fragile::exit).remote());
      assertTrue(exit.getMessage().contains("exitActor"), exit.getMessage());
      assertNull(exit.getCause());
      died(actor.task(Fragile::add, 1).remote());
      assertTrue(ray.getActor("leaving").isEmpty());
      assertEquals(1, builds.get());
    }
  }

  @ParameterizedTest(name = "maxConcurrency {0}")
  @ValueSource(ints = {1, 4})
  void repeatedKillsWithRestart_underConcurrentCallers_loseNoCall_andNeverExceedTheLimit(int limit)
      throws Exception {
    int callers = 4;
    int perCaller = 300;
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Exclusive> actor = ray.actor(Exclusive::new, active, maxActive)
          .maxConcurrency(limit).maxRestarts(-1).maxTaskRetries(-1).remote();
      List<List<ObjectRef<Integer>>> refs = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int c = 0; c < callers; c++) {
        List<ObjectRef<Integer>> mine = new ArrayList<>();
        refs.add(mine);
        threads.add(Thread.ofPlatform().start(() -> {
          awaitUninterruptibly(go);
          for (int i = 0; i < perCaller; i++) {
            mine.add(actor.task(Exclusive::echo, i).remote());
          }
        }));
      }
      threads.add(Thread.ofPlatform().start(() -> {
        awaitUninterruptibly(go);
        for (int k = 0; k < 50; k++) {
          ray.kill(actor, false);
        }
      }));
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      for (List<ObjectRef<Integer>> mine : refs) {
        for (int i = 0; i < perCaller; i++) {
          assertEquals(i, ray.get(mine.get(i)), "every call runs, retried as often as it takes");
        }
      }
      assertTrue(maxActive.get() <= limit, "at most " + limit + " at once, got " + maxActive.get());
    }
  }

  static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void exitActor_outsideAnActor_isRefused() {
    assertThrows(IllegalStateException.class, Raylite::exitActor);
  }
}
