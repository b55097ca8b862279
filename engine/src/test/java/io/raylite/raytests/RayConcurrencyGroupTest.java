package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ConcurrencyGroup;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/ConcurrencyGroupTest.java} and
 * {@code ActorConcurrentCallTest.java}. Ray's first test compares thread ids: a group there is a
 * thread pool. Raylite runs calls on virtual threads (README, "Differences from Ray": actor thread
 * identity), so the same grouping is checked by what runs at once instead: calls of one group of
 * concurrency 1 never overlap, calls of two groups do.
 */
@Timeout(60)
class RayConcurrencyGroupTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class ConcurrentActor {
    private final CountDownLatch countDownLatch = new CountDownLatch(3);

    String countDown() throws InterruptedException {
      countDownLatch.countDown();
      assertTrue(countDownLatch.await(30, TimeUnit.SECONDS));
      return "ok";
    }
  }

  @Test
  void anActorWithMaxConcurrencyThree_runsThreeCallsAtOnce() {
    ActorHandle<ConcurrentActor> actor = ray.actor(ConcurrentActor::new).maxConcurrency(3).remote();
    List<ObjectRef<String>> refs = List.of(actor.task(ConcurrentActor::countDown).remote(),
        actor.task(ConcurrentActor::countDown).remote(), actor.task(ConcurrentActor::countDown).remote());
    assertEquals(List.of("ok", "ok", "ok"), ray.get(refs));
  }

  static final class CountDownActor {
    private final CountDownLatch countDownLatch1 = new CountDownLatch(2);
    private final CountDownLatch countDownLatch2 = new CountDownLatch(4);
    private final CountDownLatch countDownLatch3 = new CountDownLatch(2);

    private static boolean countDown(CountDownLatch latch) throws InterruptedException {
      latch.countDown();
      return latch.await(30, TimeUnit.SECONDS);
    }

    boolean f1(double a) throws InterruptedException {
      return countDown(countDownLatch1);
    }

    boolean f2(int a, double b) throws InterruptedException {
      return countDown(countDownLatch1);
    }

    boolean f3(int a, int b, double c) throws InterruptedException {
      return countDown(countDownLatch2);
    }

    boolean f4(double a, int b, double c, int d) throws InterruptedException {
      return countDown(countDownLatch2);
    }

    boolean f5() throws InterruptedException {
      return countDown(countDownLatch3);
    }
  }

  @Test
  void eachGroup_runsUpToItsOwnMaxConcurrency_andOtherMethodsUseTheDefaultGroup() {
    ConcurrencyGroup io = ConcurrencyGroup.<CountDownActor>builder("io", 4)
        .method(CountDownActor::f1).method(CountDownActor::f2).build();
    ConcurrencyGroup executing = ConcurrencyGroup.<CountDownActor>builder("executing", 4)
        .method(CountDownActor::f3).method(CountDownActor::f4).build();
    ActorHandle<CountDownActor> actor = ray.actor(CountDownActor::new)
        .concurrencyGroups(io, executing).maxConcurrency(3).remote();

    ObjectRef<Boolean> ret1 = actor.task(CountDownActor::f1, 2.0).remote();
    ObjectRef<Boolean> ret2 = actor.task(CountDownActor::f2, 1, 2.0).remote();
    assertTrue(ret1.get());
    assertTrue(ret2.get());

    List<ObjectRef<Boolean>> four = List.of(actor.task(CountDownActor::f3, 3, 5, 2.0).remote(),
        actor.task(CountDownActor::f4, 1.0, 2, 3.0, 4).remote(),
        actor.task(CountDownActor::f3, 3, 5, 2.0).remote(),
        actor.task(CountDownActor::f4, 1.0, 2, 3.0, 4).remote());
    assertEquals(List.of(true, true, true, true), ray.get(four));

    ObjectRef<Boolean> ret7 = actor.task(CountDownActor::f5).remote();
    ObjectRef<Boolean> ret8 = actor.task(CountDownActor::f5).remote();
    assertTrue(ret7.get());
    assertTrue(ret8.get());
  }

  /** Records the most calls of each kind that ran at once. */
  static final class Overlap {
    private final AtomicInteger ioActive = new AtomicInteger();
    private final AtomicInteger ioMax = new AtomicInteger();
    private final CountDownLatch ioEntered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    int ioBlock() throws InterruptedException {
      ioMax.accumulateAndGet(ioActive.incrementAndGet(), Math::max);
      ioEntered.countDown();
      release.await();
      ioActive.decrementAndGet();
      return 1;
    }

    int ioQuick() {
      ioMax.accumulateAndGet(ioActive.incrementAndGet(), Math::max);
      ioActive.decrementAndGet();
      return 2;
    }

    boolean awaitIo() throws InterruptedException {
      return ioEntered.await(30, TimeUnit.SECONDS);
    }

    int other() {
      release.countDown();
      return 3;
    }

    int ioMax() {
      return ioMax.get();
    }
  }

  @Test
  void aGroupOfConcurrencyOne_runsItsCallsOneAtATime_whileAnotherGroupRuns() {
    ConcurrencyGroup io = ConcurrencyGroup.<Overlap>builder("io", 1)
        .method(Overlap::ioBlock).method(Overlap::ioQuick).build();
    ConcurrencyGroup control = ConcurrencyGroup.<Overlap>builder("control", 1)
        .method(Overlap::awaitIo).method(Overlap::other).build();
    ActorHandle<Overlap> actor = ray.actor(Overlap::new).concurrencyGroups(io, control).remote();
    ObjectRef<Integer> blocked = actor.task(Overlap::ioBlock).remote();
    ObjectRef<Integer> queued = actor.task(Overlap::ioQuick).remote();
    assertTrue(actor.task(Overlap::awaitIo).remote().get());
    assertEquals(3, actor.task(Overlap::other).remote().get(), "another group runs while io is blocked");
    assertEquals(1, blocked.get());
    assertEquals(2, queued.get());
    assertEquals(1, actor.task(Overlap::ioMax).remote().get());
  }

  @Test
  void aCallPutInAnotherGroupByName_runsThere() {
    ConcurrencyGroup io = ConcurrencyGroup.<Overlap>builder("io", 1).method(Overlap::ioBlock).build();
    ConcurrencyGroup control = ConcurrencyGroup.<Overlap>builder("control", 1).method(Overlap::awaitIo).build();
    ActorHandle<Overlap> actor = ray.actor(Overlap::new).concurrencyGroups(io, control).remote();
    ObjectRef<Integer> blocked = actor.task(Overlap::ioBlock).remote();
    assertTrue(actor.task(Overlap::awaitIo).remote().get());
    // other() belongs to the default group; named into "control" it still runs beside the blocked io call.
    assertEquals(3, actor.task(Overlap::other).concurrencyGroup("control").remote().get());
    assertEquals(1, blocked.get());
  }

  @Test
  void anUnknownGroupName_isRefusedAtSubmission() {
    ConcurrencyGroup io = ConcurrencyGroup.<Overlap>builder("io", 1).method(Overlap::ioBlock).build();
    ActorHandle<Overlap> actor = ray.actor(Overlap::new).concurrencyGroups(io).remote();
    assertThrows(IllegalArgumentException.class, () -> actor.task(Overlap::other).concurrencyGroup("nope").remote());
  }

  @Test
  void aGroupWithZeroOrNegativeConcurrency_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ConcurrencyGroup.builder("io", 0));
    assertThrows(IllegalArgumentException.class, () -> ConcurrencyGroup.builder("io", -1));
    assertThrows(IllegalArgumentException.class, () -> ConcurrencyGroup.builder("", 1));
  }

  @Test
  void maxConcurrencyZeroOrNegative_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Overlap::new).maxConcurrency(0));
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Overlap::new).maxConcurrency(-1));
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Overlap::new).maxPendingCalls(0));
  }
}
