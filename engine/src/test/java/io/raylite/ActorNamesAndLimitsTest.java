package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Named actors, back-pressure with maxPendingCalls, and concurrency groups. */
@Timeout(60)
class ActorNamesAndLimitsTest {
  /** Guards waits that must end; reached only when the behaviour under test is broken. */
  private static final Duration GUARD = Duration.ofSeconds(30);

  static final class Counter {
    private int value;

    int add(int n) {
      value += n;
      return value;
    }

    int block(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      entered.countDown();
      release.await();
      return value;
    }
  }

  /** An actor with an "io" group that may block and a default group that must stay responsive. */
  static final class Store {
    private final AtomicInteger ioActive = new AtomicInteger();
    private final AtomicInteger ioMaxActive = new AtomicInteger();
    private final CyclicBarrier ioPair = new CyclicBarrier(2);

    String read(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      entered.countDown();
      release.await();
      return "read";
    }

    String quickRead() {
      return "quick";
    }

    int meetInIo() throws Exception {
      int now = ioActive.incrementAndGet();
      ioMaxActive.accumulateAndGet(now, Math::max);
      try {
        ioPair.await(GUARD.toSeconds(), TimeUnit.SECONDS);
      } finally {
        ioActive.decrementAndGet();
      }
      return now;
    }

    int ioMaxActive() {
      return ioMaxActive.get();
    }

    String ping() {
      return "pong";
    }

    void hold(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      entered.countDown();
      release.await();
    }
  }

  static ConcurrencyGroup ioGroup(int limit) {
    return ConcurrencyGroup.<Store>builder("io", limit)
        .method(Store::read)
        .method(Store::quickRead)
        .method(Store::meetInIo)
        .build();
  }

  /* ---------------- Names ---------------- */

  @Test
  void namedActor_isFoundByName_andBothHandlesReachTheSameActor() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> created = ray.actor(Counter::new).name("ps").remote();
      ActorHandle<Counter> found = ray.<Counter>getActor("ps").orElseThrow();
      assertEquals("ps", found.name().orElseThrow());
      assertEquals(1, ray.get(created.task(Counter::add, 1).remote()));
      assertEquals(3, ray.get(found.task(Counter::add, 2).remote()));
    }
  }

  @Test
  void getActor_withAnUnknownName_isEmpty() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ray.actor(Counter::new).name("ps").remote();
      assertTrue(ray.getActor("nobody").isEmpty());
    }
  }

  @Test
  void duplicateName_failsAtCreation_andTheFirstActorLivesOn() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> first = ray.actor(Counter::new).name("ps").remote();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.actor(Counter::new).name("ps").remote());
      assertTrue(e.getMessage().contains("'ps'") && e.getMessage().contains(first.id()), e.getMessage());
      assertEquals(first, ray.getActor("ps").orElseThrow());
      assertEquals(1, ray.get(first.task(Counter::add, 1).remote()));
    }
  }

  @Test
  void name_isFreedWhenTheActorDies() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> first = ray.actor(Counter::new).name("ps").remote();
      ray.kill(first);
      assertTrue(ray.getActor("ps").isEmpty());
      ActorHandle<Counter> second = ray.actor(Counter::new).name("ps").remote();
      assertEquals(second, ray.getActor("ps").orElseThrow());
    }
  }

  /* ---------------- Back-pressure ---------------- */

  @Test
  void callBeyondMaxPendingCalls_failsAtSubmission_untilEarlierCallsFinish() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> counter = ray.actor(Counter::new).maxPendingCalls(2).remote();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<Integer> running = counter.task(Counter::block, entered, release).remote();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the first call started");
      ObjectRef<Integer> queued = counter.task(Counter::add, 1).remote();

      PendingCallsExceededException e = assertThrows(PendingCallsExceededException.class,
          () -> counter.task(Counter::add, 100).remote());
      assertTrue(e.getMessage().contains("maxPendingCalls(2)"), e.getMessage());

      release.countDown();
      assertEquals(0, ray.get(running));
      assertEquals(1, ray.get(queued));
      assertEquals(3, ray.get(counter.task(Counter::add, 2).remote()), "the refused call never ran");
    }
  }

  /* ---------------- Concurrency groups ---------------- */

  @Test
  void blockedConcurrencyGroup_doesNotHoldBackTheDefaultGroup() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Store> store = ray.actor(Store::new).concurrencyGroups(ioGroup(1)).remote();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<String> blocked = store.task(Store::read, entered, release).remote();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the first call started");
      ObjectRef<String> queuedInIo = store.task(Store::quickRead).remote();

      assertEquals("pong", ray.get(store.task(Store::ping).remote(), GUARD));
      assertFalse(queuedInIo.isReady(), "io runs one call at a time, and one is blocked");

      release.countDown();
      assertEquals("read", ray.get(blocked));
      assertEquals("quick", ray.get(queuedInIo));
    }
  }

  @Test
  void blockedDefaultGroup_doesNotHoldBackANamedGroup() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Store> store = ray.actor(Store::new).concurrencyGroups(ioGroup(1)).remote();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<Void> held = store.task(Store::hold, entered, release).remote();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the first call started");
      assertEquals("quick", ray.get(store.task(Store::quickRead).remote(), GUARD));
      release.countDown();
      ray.get(held);
    }
  }

  @Test
  void concurrencyGroup_runsUpToItsOwnLimitAtOnce_neverMore() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Store> store = ray.actor(Store::new).concurrencyGroups(ioGroup(2)).remote();
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        refs.add(store.task(Store::meetInIo).remote());
      }
      ray.get(refs);
      assertEquals(2, ray.get(store.task(Store::ioMaxActive).remote()));
    }
  }

  @Test
  void callSentToAGroup_runsThere_whateverItsMethod() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Store> store = ray.actor(Store::new).concurrencyGroups(ioGroup(1)).remote();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<Void> heldInIo = store.task(Store::hold, entered, release).concurrencyGroup("io").remote();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the first call started");
      ObjectRef<String> queuedInIo = store.task(Store::quickRead).remote();
      assertEquals("pong", ray.get(store.task(Store::ping).remote(), GUARD), "the default group is free");
      assertFalse(queuedInIo.isReady(), "io is held by the call sent there");
      release.countDown();
      ray.get(heldInIo);
      assertEquals("quick", ray.get(queuedInIo));
    }
  }

  @Test
  void callToAnUndeclaredGroup_failsAtSubmission() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Store> store = ray.actor(Store::new).concurrencyGroups(ioGroup(1)).remote();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.task(Store::ping).concurrencyGroup("gpu").remote());
      assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
    }
  }

  @Test
  void methodAssignedToTwoGroups_failsAtCreation() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ConcurrencyGroup other = ConcurrencyGroup.<Store>builder("other", 1).method(Store::quickRead).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.actor(Store::new).concurrencyGroups(ioGroup(1), other).remote());
      assertTrue(e.getMessage().contains("quickRead"), e.getMessage());
    }
  }

  @Test
  void optionArguments_outsideTheirRange_failAtTheSetter() {
    assertThrows(IllegalArgumentException.class, () -> ActorOptions.builder().maxConcurrency(0));
    assertThrows(IllegalArgumentException.class, () -> ActorOptions.builder().maxPendingCalls(0));
    assertThrows(IllegalArgumentException.class, () -> ActorOptions.builder().maxRestarts(-2));
    assertThrows(IllegalArgumentException.class, () -> ActorOptions.builder().maxTaskRetries(-2));
    assertThrows(IllegalArgumentException.class, () -> ActorOptions.builder().name(" "));
    assertThrows(IllegalArgumentException.class, () -> ConcurrencyGroup.builder("io", 0));
    assertThrows(IllegalArgumentException.class,
        () -> ActorOptions.builder().concurrencyGroups(ioGroup(1), ioGroup(2)));
  }
}
