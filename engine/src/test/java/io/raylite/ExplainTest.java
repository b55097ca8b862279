package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.Explanation.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Raylite.explain says why an object is or is not ready. */
@Timeout(60)
class ExplainTest {

  static String waitFor(CountDownLatch started, CompletableFuture<Void> gate) throws Exception {
    started.countDown();
    gate.get(30, TimeUnit.SECONDS);
    return "done";
  }

  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), "expected '" + part + "' in:\n" + text);
    }
  }

  @Test
  void putObject_isReady() {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      Explanation why = ray.explain(ray.put("value"));
      assertEquals(Reason.READY, why.reason());
      assertTrue(why.isDone());
    }
  }

  static int boom() {
    throw new IllegalStateException("boom");
  }

  @Test
  void failedTask_isExplainedAsFailedWithItsError() {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ObjectRef<Integer> ref = ray.task(ExplainTest::boom).remote();
      assertThrows(TaskFailedException.class, () -> ray.get(ref));
      Explanation why = ray.explain(ref);
      assertEquals(Reason.FAILED, why.reason());
      assertContains(why.detail(), "boom");
    }
  }

  @Test
  void taskWaitingForItsArgument_namesTheRunningProducerAndItsWorker() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> producer = ray.task(ExplainTest::waitFor, started, gate).name("producer").remote();
      ObjectRef<String> consumer = ray.task((String s) -> s + "!", producer).name("consumer").remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      Explanation why = ray.explain(consumer);
      gate.complete(null);
      assertEquals(Reason.WAITING_FOR_ARGUMENTS, why.reason());
      assertEquals(1, why.blockers().size());
      Explanation blocker = why.blockers().getFirst();
      assertEquals(Reason.RUNNING, blocker.reason());
      assertContains(why.toString(), "task 'consumer'", "task 'producer'", "RUNNING for", "on worker");
      assertEquals("done!", ray.get(consumer));
    }
  }

  @Test
  void gpuTaskWaitingForResources_showsEachDevicesFreeShareAndTheHolders() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(4).gpus(2).dashboard(false).build()) {
      CountDownLatch started = new CountDownLatch(2);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> a = ray.task(ExplainTest::waitFor, started, gate).numCpus(0).numGpus(0.75).name("A").remote();
      ObjectRef<String> b = ray.task(ExplainTest::waitFor, started, gate).numCpus(0).numGpus(1).name("B").remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      ObjectRef<String> half = ray.task(() -> "half").numCpus(0).numGpus(0.5).name("half").remote();
      Explanation why = ray.explain(half);
      gate.complete(null);
      assertEquals(Reason.WAITING_FOR_RESOURCES, why.reason());
      assertContains(why.detail(), "GPU 0.5", "device 0 at 0.25", "device 1 at 0", "task 'A'", "task 'B'");
      assertEquals("half", ray.get(half));
      ray.get(List.of(a, b));
    }
  }

  @Test
  void queuedTask_saysHowManyTasksOfItsShapeAreAhead() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> running = ray.task(ExplainTest::waitFor, started, gate).remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      List<ObjectRef<Integer>> queued = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        queued.add(ray.task(() -> n).remote());
      }
      Explanation why = ray.explain(queued.getLast());
      gate.complete(null);
      assertEquals(Reason.WAITING_FOR_RESOURCES, why.reason());
      assertContains(why.detail(), "CPU 1", "queued behind 2 tasks of the same shape");
      assertEquals(List.of(0, 1, 2), ray.get(queued));
      ray.get(running);
    }
  }

  @Test
  void taskQueuedInAPlacementGroupBundle_isExplainedByTheBundlesResources() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(4).dashboard(false).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(java.util.Map.of("CPU", 1.0)), PlacementStrategy.PACK);
      assertTrue(pg.wait(java.time.Duration.ofSeconds(30)));
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> holder = ray.task(ExplainTest::waitFor, started, gate).placementGroup(pg).name("A").remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      ObjectRef<Integer> queued = ray.task(() -> 1).placementGroup(pg).name("B").remote();
      Explanation why = ray.explain(queued);
      gate.complete(null);
      assertEquals(Reason.WAITING_FOR_RESOURCES, why.reason());
      assertContains(why.detail(), "CPU held by", "task 'A'");
      assertEquals(1, ray.get(queued));
      ray.get(holder);
      ray.removePlacementGroup(pg);
    }
  }

  static final class Gatekeeper {
    String slow(CountDownLatch started, CompletableFuture<Void> gate) throws Exception {
      return waitFor(started, gate);
    }

    String fast() {
      return "fast";
    }
  }

  @Test
  void actorCallQueuedBehindCalls_namesTheRunningCall() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ActorHandle<Gatekeeper> keeper = ray.actor(Gatekeeper::new).name("keeper").remote();
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> slow = keeper.task(Gatekeeper::slow, started, gate).remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      ObjectRef<String> first = keeper.task(Gatekeeper::fast).remote();
      ObjectRef<String> second = keeper.task(Gatekeeper::fast).remote();
      Explanation why = ray.explain(second);
      gate.complete(null);
      assertEquals(Reason.ACTOR_CALL_QUEUED, why.reason());
      assertContains(why.detail(), "queued behind 1 call", "actor 'keeper'", "Gatekeeper.slow");
      assertEquals(Reason.RUNNING, why.blockers().getFirst().reason());
      assertEquals(List.of("opened", "fast", "fast").size(), ray.get(List.of(slow, first, second)).size());
    }
  }

  static final class SlowToBuild {
    SlowToBuild(CountDownLatch started, CompletableFuture<Void> gate) throws Exception {
      waitFor(started, gate);
    }

    String hello() {
      return "hello";
    }
  }

  @Test
  void callOnAnActorBeingCreated_saysItWaitsForTheActor() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ActorHandle<SlowToBuild> actor = ray.actor(SlowToBuild::new, started, gate).name("builder").remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      ObjectRef<String> hello = actor.task(SlowToBuild::hello).remote();
      Explanation why = ray.explain(hello);
      gate.complete(null);
      assertEquals(Reason.ACTOR_NOT_READY, why.reason());
      assertContains(why.detail(), "actor 'builder'", "to be created");
      assertEquals("hello", ray.get(hello));
    }
  }

  /** Builds at once the first time; each rebuild waits for the gate. */
  static final class SlowToRebuild {
    SlowToRebuild(java.util.concurrent.atomic.AtomicInteger builds, CountDownLatch rebuilding,
        CompletableFuture<Void> gate) throws Exception {
      if (builds.incrementAndGet() > 1) {
        waitFor(rebuilding, gate);
      }
    }

    String hello() {
      return "hello";
    }
  }

  @Test
  void callOnARestartingActor_saysTheActorIsRestarting() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      CountDownLatch rebuilding = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ActorHandle<SlowToRebuild> actor = ray.actor(SlowToRebuild::new, new java.util.concurrent.atomic.AtomicInteger(),
          rebuilding, gate).name("phoenix").maxRestarts(1).remote();
      assertEquals("hello", ray.get(actor.task(SlowToRebuild::hello).remote()));
      ray.kill(actor, false);
      assertTrue(rebuilding.await(30, TimeUnit.SECONDS));
      ObjectRef<String> hello = actor.task(SlowToRebuild::hello).remote();
      Explanation why = ray.explain(hello);
      gate.complete(null);
      assertEquals(Reason.ACTOR_NOT_READY, why.reason());
      assertContains(why.detail(), "actor 'phoenix'", "restarting");
      assertEquals("hello", ray.get(hello));
    }
  }

  @Test
  void callOnADeadActor_isExplainedAsFailed() {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ActorHandle<Gatekeeper> keeper = ray.actor(Gatekeeper::new).name("gone").remote();
      ray.get(keeper.task(Gatekeeper::fast).remote());
      ray.kill(keeper);
      Explanation why = ray.explain(keeper.task(Gatekeeper::fast).remote());
      assertEquals(Reason.FAILED, why.reason());
      assertContains(why.detail(), "ActorDiedException", "gone");
    }
  }

  static String outer(CountDownLatch started, CompletableFuture<Void> gate) {
    Raylite ray = Raylite.context().runtime();
    // Not CPU-only, so never run inline; it gets the only CPU once this task lends it in get, so
    // once it starts, this task is blocked in get.
    return ray.get(ray.task(ExplainTest::waitFor, started, gate).resource("slot", 1).name("inner").remote());
  }

  @Test
  void taskBlockedInGet_isFollowedToWhatItWaitsFor() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).resource("slot", 1).dashboard(false).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> outer = ray.task(ExplainTest::outer, started, gate).name("outer").remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      Explanation why = ray.explain(outer);
      gate.complete(null);
      assertEquals(Reason.BLOCKED_IN_GET, why.reason(), why.toString());
      assertEquals(Reason.RUNNING, why.blockers().getFirst().reason());
      assertContains(why.toString(), "task 'outer'", "blocked in get of object", "task 'inner'");
      assertEquals("done", ray.get(outer));
    }
  }
}
