package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Placement groups: gang reservation of bundles, tasks and actors placed in them, removal, lookup. */
@Timeout(60)
class PlacementGroupTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  static final class Counter {
    private final int value;

    Counter(int value) {
      this.value = value;
    }

    int value() {
      return value;
    }

    Map<String, Double> resources() {
      return Raylite.context().resources();
    }

    List<Integer> gpuIds() {
      return Raylite.context().gpuIds();
    }
  }

  static Map<String, Double> cpu(double n) {
    return Map.of(Resources.CPU, n);
  }

  static double freeCpu(Raylite ray) {
    return ray.availableResources().get(Resources.CPU);
  }

  /** A task that holds its bundle until released, and says when it runs. */
  static final class Hold {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    String run() throws InterruptedException {
      started.countDown();
      release.await();
      return "released";
    }

    void awaitStarted() throws InterruptedException {
      assertTrue(started.await(30, TimeUnit.SECONDS), "the held task never started");
    }
  }

  /* ---------------- Reservation ---------------- */

  @Test
  void group_reservesEveryBundle_andIsCreated() {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1), cpu(2)), PlacementStrategy.PACK);
      assertTrue(pg.wait(LONG));
      assertEquals(PlacementGroupState.CREATED, pg.state());
      assertEquals(1.0, freeCpu(ray));
    }
  }

  @Test
  void ready_isARefThatBecomesReadyWithTheGroup() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      assertSame(pg, ray.get(pg.ready(), LONG));
      assertEquals(PlacementGroupState.CREATED, pg.state());
    }
  }

  @Test
  void groupThatFitsOnlyPartly_reservesNothing_andIsPending() {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      ActorHandle<Counter> holder = ray.actor(Counter::new, 0).numCpus(2).remote();
      ray.get(holder.task(Counter::value).remote());
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1), cpu(1), cpu(1)), PlacementStrategy.SPREAD);
      assertFalse(pg.wait(Duration.ZERO));
      assertEquals(PlacementGroupState.PENDING, pg.state());
      assertEquals(2.0, freeCpu(ray), "no bundle of a group that does not fit whole is taken");
    }
  }

  @Test
  void pendingGroup_isPlacedWhenResourcesComeFree() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Counter> holder = ray.actor(Counter::new, 0).numCpus(1).remote();
      ray.get(holder.task(Counter::value).remote());
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1), cpu(1)), PlacementStrategy.PACK);
      assertEquals(PlacementGroupState.PENDING, pg.state());
      ray.kill(holder);
      assertSame(pg, ray.get(pg.ready(), LONG));
      assertEquals(PlacementGroupState.CREATED, pg.state());
      assertEquals(0.0, freeCpu(ray));
    }
  }

  @Test
  void taskPlacedInPendingGroup_waitsAndRunsOnceItIsPlaced() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> holder = ray.actor(Counter::new, 0).numCpus(1).remote();
      ray.get(holder.task(Counter::value).remote());
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      ObjectRef<String> ref = ray.task(() -> "ran").placementGroup(pg, 0).remote();
      assertFalse(ref.isReady());
      ray.kill(holder);
      assertEquals("ran", ray.get(ref, LONG));
    }
  }

  @ParameterizedTest
  @EnumSource(PlacementStrategy.class)
  void everyStrategy_isPlacedOnTheOneNode(PlacementStrategy strategy) {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      List<Map<String, Double>> bundles = strategy == PlacementStrategy.STRICT_SPREAD
          ? List.of(cpu(2)) : List.of(cpu(1), cpu(1));
      PlacementGroup pg = ray.placementGroup(bundles, strategy);
      assertTrue(pg.wait(LONG));
      assertEquals(strategy, pg.strategy());
    }
  }

  /* ---------------- Refused at once ---------------- */

  @Test
  void strictSpreadOfSeveralBundles_isInfeasibleOnOneNode() {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.placementGroup(List.of(cpu(1), cpu(1)), PlacementStrategy.STRICT_SPREAD));
      assertTrue(e.getMessage().contains("STRICT_SPREAD"), e.getMessage());
      assertEquals(List.of(), ray.placementGroups());
    }
  }

  @Test
  void groupLargerThanTheRuntime_failsAtOnce() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.placementGroup(List.of(cpu(2), cpu(1)), PlacementStrategy.PACK));
      assertTrue(e.getMessage().contains("could never be placed"), e.getMessage());
      assertEquals(2.0, freeCpu(ray));
    }
  }

  @Test
  void bundleOfAResourceTheRuntimeLacks_failsAtOnce() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.placementGroup(List.of(Map.of("non-exist-resource", 1.0)), PlacementStrategy.PACK));
      assertTrue(e.getMessage().contains("non-exist-resource"), e.getMessage());
    }
  }

  @Test
  void wholeGpuBundles_needWholeDevices() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).build()) {
      assertThrows(InfeasibleResourceException.class,
          () -> ray.placementGroup(List.of(Map.of(Resources.GPU, 0.5), Map.of(Resources.GPU, 1.0)),
              PlacementStrategy.PACK));
    }
  }

  @Test
  void noBundles_isRefused() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.placementGroup(List.of(), PlacementStrategy.PACK));
      assertTrue(e.getMessage().contains("bundles"), e.getMessage());
    }
  }

  @Test
  void bundleAskingForNothing_isRefused() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.placementGroup(List.of(cpu(1), Map.of(Resources.CPU, 0.0)), PlacementStrategy.PACK));
      assertTrue(e.getMessage().contains("bundles[1]"), e.getMessage());
    }
  }

  @Test
  void negativeBundleAmount_isRefused() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      assertThrows(IllegalArgumentException.class,
          () -> ray.placementGroup(List.of(cpu(-1)), PlacementStrategy.PACK));
    }
  }

  @Test
  void bundleIndexOutOfRange_failsAtTheCall() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.actor(Counter::new, 1).placementGroup(pg, 1));
      assertTrue(e.getMessage().contains("bundleIndex"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> ray.task(() -> 1).placementGroup(pg, -2));
    }
  }

  @Test
  void taskLargerThanItsBundle_failsAtOnce() {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.task(() -> 1).numCpus(2).placementGroup(pg, 0).remote());
      assertTrue(e.getMessage().contains("bundle 0 of placement group"), e.getMessage());
    }
  }

  /* ---------------- Tasks and actors in bundles ---------------- */

  @Test
  void taskInABundle_usesTheBundlesResources_notThePools() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(2)), PlacementStrategy.PACK);
      assertTrue(pg.wait(LONG));
      assertEquals(0.0, freeCpu(ray));
      Hold hold = new Hold();
      ObjectRef<String> held = ray.task(hold::run).placementGroup(pg, 0).remote();
      hold.awaitStarted();
      assertEquals(0.0, freeCpu(ray), "the pool lends nothing to the task");
      Map<String, Double> bundleFree = ray.state().placementGroups().get(0).bundles().get(0).available();
      assertEquals(1.0, bundleFree.get(Resources.CPU), "the task is charged to its bundle");
      hold.release.countDown();
      assertEquals("released", ray.get(held, LONG));
    }
  }

  @Test
  void taskInAnyBundle_runsInABundleItFits() {
    try (Raylite ray = Raylite.builder().cpus(2).resource("a", 1).resource("b", 1).build()) {
      PlacementGroup pg = ray.placementGroup(
          List.of(Map.of(Resources.CPU, 1.0, "a", 1.0), Map.of(Resources.CPU, 1.0, "b", 1.0)), PlacementStrategy.PACK);
      Map<String, Double> seen = ray.get(ray.task(() -> Raylite.context().resources())
          .resource("b", 1).placementGroup(pg).remote(), LONG);
      assertEquals(1.0, seen.get("b"));
      assertEquals("pong", ray.get(ray.task(() -> "pong").placementGroup(pg).remote(), LONG));
      assertEquals("pong", ray.get(ray.task(() -> "pong").numCpus(0).remote(), LONG), "pool tasks are unaffected");
    }
  }

  @Test
  void taskInABundle_blockingOnAChildInTheSameBundle_lendsItsCpu() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.STRICT_PACK);
      ObjectRef<Integer> parent = ray.task(() -> {
        Raylite inner = Raylite.current();
        return 1 + inner.get(inner.task(() -> 41).placementGroup(pg, 0).remote());
      }).placementGroup(pg, 0).remote();
      assertEquals(42, ray.get(parent, LONG));
    }
  }

  @Test
  void actorsInGivenAndAnyBundle_run_andHoldBundleResources() {
    try (Raylite ray = Raylite.builder().cpus(3).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1), cpu(1)), PlacementStrategy.PACK);
      assertTrue(pg.wait(LONG));
      ActorHandle<Counter> first = ray.actor(Counter::new, 1).numCpus(1).placementGroup(pg, 0).remote();
      ActorHandle<Counter> second = ray.actor(Counter::new, 2).numCpus(1).placementGroup(pg).remote();
      assertEquals(1, ray.get(first.task(Counter::value).remote(), LONG));
      assertEquals(2, ray.get(second.task(Counter::value).remote(), LONG));
      assertEquals(1.0, freeCpu(ray), "the actors hold bundle CPUs, not the pool's");
      PlacementGroupInfo row = ray.state().placementGroups().get(0);
      assertEquals(2, row.liveActors());
      assertEquals(0.0, row.bundles().get(0).available().get(Resources.CPU));
      assertEquals(0.0, row.bundles().get(1).available().get(Resources.CPU));
    }
  }

  @Test
  void gpuBundle_pinsItsDevice_forTheTasksInIt() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(2).build()) {
      ActorHandle<Counter> onDevice0 = ray.actor(Counter::new, 0).numGpus(0.5).remote();
      assertEquals(List.of(0), ray.get(onDevice0.task(Counter::gpuIds).remote()));
      PlacementGroup pg = ray.placementGroup(List.of(Map.of(Resources.GPU, 1.0)), PlacementStrategy.PACK);
      assertTrue(pg.wait(LONG));
      List<Integer> ids = ray.get(ray.task(() -> Raylite.context().gpuIds()).numCpus(0).numGpus(0.5)
          .placementGroup(pg, 0).remote(), LONG);
      assertEquals(List.of(1), ids);
      assertEquals(List.of(1), ray.state().placementGroups().get(0).bundles().get(0).gpuIds());
    }
  }

  @Test
  void tasksInABundle_neverRunMoreThanItHolds_andEachRunsOnce() {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(2), cpu(1)), PlacementStrategy.PACK);
      java.util.concurrent.atomic.AtomicInteger inBundle0 = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicIntegerArray runs = new java.util.concurrent.atomic.AtomicIntegerArray(300);
      List<ObjectRef<Integer>> refs = new java.util.ArrayList<>();
      for (int i = 0; i < 300; i++) {
        int n = i;
        if (i % 3 == 0) {
          refs.add(ray.task(() -> {
            most.accumulateAndGet(inBundle0.incrementAndGet(), Math::max);
            runs.incrementAndGet(n);
            inBundle0.decrementAndGet();
            return n;
          }).placementGroup(pg, 0).remote());
        } else {
          refs.add(ray.task(() -> {
            runs.incrementAndGet(n);
            return n;
          }).placementGroup(pg).remote());
        }
        assertEquals(1.0, freeCpu(ray), "bundle tasks never take the pool's CPUs");
      }
      List<Integer> values = ray.get(refs, LONG);
      for (int i = 0; i < 300; i++) {
        assertEquals(i, values.get(i));
        assertEquals(1, runs.get(i), "task " + i + " ran once");
      }
      assertTrue(most.get() <= 2, "at most the bundle's 2 CPUs of tasks at once, saw " + most.get());
      assertEquals(2.0, ray.state().placementGroups().get(0).bundles().get(0).available().get(Resources.CPU));
    }
  }

  @Test
  void placedTasks_runThroughASerializingRuntime() {
    try (Raylite ray = Raylite.builder().cpus(2).serializeArguments(true).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      assertEquals("ab", ray.get(ray.task((String a, String b) -> a + b, "a", "b").placementGroup(pg, 0).remote(), LONG));
    }
  }

  /* ---------------- Removal ---------------- */

  @Test
  void remove_cancelsRunningTasks_andReleasesTheBundles() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      Hold hold = new Hold();
      ObjectRef<String> running = ray.task(hold::run).placementGroup(pg, 0).remote();
      hold.awaitStarted();
      assertEquals(1.0, freeCpu(ray));
      ray.removePlacementGroup(pg);
      TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> ray.get(running, LONG));
      assertTrue(e.getMessage().contains("placement group " + pg.id() + " was removed"), e.getMessage());
      assertEquals(2.0, freeCpu(ray));
      assertEquals(PlacementGroupState.REMOVED, pg.state());
    }
  }

  @Test
  void remove_cancelsQueuedTasks() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      Hold hold = new Hold();
      ObjectRef<String> running = ray.task(hold::run).placementGroup(pg, 0).remote();
      hold.awaitStarted();
      ObjectRef<Integer> queued = ray.task(() -> 1).placementGroup(pg, 0).remote();
      ray.removePlacementGroup(pg);
      assertThrows(TaskCancelledException.class, () -> ray.get(queued, LONG));
      assertThrows(TaskCancelledException.class, () -> ray.get(running, LONG));
    }
  }

  @Test
  void remove_killsTheActorsInTheGroup() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      ActorHandle<Counter> actor = ray.actor(Counter::new, 7).numCpus(1).placementGroup(pg, 0).remote();
      assertEquals(7, ray.get(actor.task(Counter::value).remote(), LONG));
      ActorHandle<Counter> outside = ray.actor(Counter::new, 8).remote();
      ray.removePlacementGroup(pg);
      ActorDiedException e = assertThrows(ActorDiedException.class, () -> ray.get(actor.task(Counter::value).remote()));
      assertTrue(e.getMessage().contains("was removed"), e.getMessage());
      assertEquals(8, ray.get(outside.task(Counter::value).remote(), LONG), "actors outside the group live on");
      assertEquals(2.0, freeCpu(ray));
    }
  }

  @Test
  void actorWaitingInAPendingGroup_startsOncePlaced_orDiesWhenTheGroupIsRemoved() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> holder = ray.actor(Counter::new, 0).numCpus(1).remote();
      ray.get(holder.task(Counter::value).remote());
      PlacementGroup placedLater = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      ActorHandle<Counter> waiting = ray.actor(Counter::new, 3).numCpus(1).placementGroup(placedLater, 0).remote();
      ObjectRef<Integer> value = waiting.task(Counter::value).remote();
      ray.kill(holder);
      assertEquals(3, ray.get(value, LONG));

      PlacementGroup neverPlaced = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      ActorHandle<Counter> doomed = ray.actor(Counter::new, 4).numCpus(1).placementGroup(neverPlaced, 0).remote();
      ObjectRef<Integer> queued = doomed.task(Counter::value).remote();
      ray.removePlacementGroup(neverPlaced);
      assertThrows(ActorDiedException.class, () -> ray.get(queued, LONG));
      assertEquals(0.0, freeCpu(ray), "the placed group still holds its bundle");
    }
  }

  @Test
  void removedGroup_waitAndReadyThrow_andNewWorkIsRefused() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      assertTrue(pg.wait(LONG));
      ray.removePlacementGroup(pg);
      ray.removePlacementGroup(pg);  // removing twice does nothing
      assertEquals(PlacementGroupState.REMOVED, pg.state());
      assertThrows(PlacementGroupRemovedException.class, () -> pg.wait(LONG), "even though it was placed before");
      assertThrows(PlacementGroupRemovedException.class, () -> ray.get(pg.ready()));
      assertThrows(PlacementGroupRemovedException.class, () -> ray.task(() -> 1).placementGroup(pg, 0).remote());
      assertThrows(PlacementGroupRemovedException.class,
          () -> ray.actor(Counter::new, 1).placementGroup(pg).remote());
    }
  }

  @Test
  void pendingGroupRemoved_failsItsReadyRef_andTakesNothing() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> holder = ray.actor(Counter::new, 0).numCpus(1).remote();
      ray.get(holder.task(Counter::value).remote());
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
      ray.removePlacementGroup(pg);
      assertThrows(PlacementGroupRemovedException.class, () -> pg.wait(LONG));
      assertThrows(PlacementGroupRemovedException.class, () -> ray.get(pg.ready()));
      ray.kill(holder);
      assertEquals(1.0, freeCpu(ray), "the withdrawn group never takes what comes free");
    }
  }

  /* ---------------- Names and the table ---------------- */

  @Test
  void namedGroup_isFoundByName_untilRemoved() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup pg = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK, "named_placement_group");
      assertEquals(pg, ray.getPlacementGroup("named_placement_group").orElseThrow());
      assertEquals(pg, ray.getPlacementGroupById(pg.id()).orElseThrow());
      assertEquals("named_placement_group", pg.name().orElseThrow());
      ray.removePlacementGroup(pg);
      assertTrue(ray.getPlacementGroup("named_placement_group").isEmpty());
    }
  }

  @Test
  void nameTakenByALiveGroup_isRefused() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK, "pg");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK, "pg"));
      assertTrue(e.getMessage().contains("already taken"), e.getMessage());
    }
  }

  @Test
  void table_listsEveryGroupWithItsState() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup first = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK, "first");
      PlacementGroup second = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.SPREAD, "second");
      PlacementGroup third = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK, "third");
      assertTrue(first.wait(LONG));
      assertTrue(second.wait(LONG));
      assertEquals(List.of(PlacementGroupState.CREATED, PlacementGroupState.CREATED, PlacementGroupState.PENDING),
          ray.state().placementGroups().stream().map(PlacementGroupInfo::state).toList());
      ray.removePlacementGroup(second);
      assertTrue(third.wait(LONG), "the pending group takes the removed one's bundle");
      assertEquals(List.of(first, second, third), ray.placementGroups());
      List<PlacementGroupInfo> table = ray.state().placementGroups();
      assertEquals(List.of(PlacementGroupState.CREATED, PlacementGroupState.REMOVED, PlacementGroupState.CREATED),
          table.stream().map(PlacementGroupInfo::state).toList());
      assertEquals(List.of("first", "second", "third"), table.stream().map(PlacementGroupInfo::name).toList());
      assertEquals(PlacementStrategy.SPREAD, table.get(1).strategy());
      assertEquals(Map.of(Resources.CPU, 1.0), table.get(0).bundles().get(0).resources());
    }
  }

  /* ---------------- Close and the timeline ---------------- */

  @Test
  void close_withGroupsAlive_cancelsTheirWork_andReturns() throws Exception {
    Raylite ray = Raylite.builder().cpus(1).build();
    PlacementGroup placed = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
    PlacementGroup pending = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK);
    Hold hold = new Hold();
    ObjectRef<String> running = ray.task(hold::run).placementGroup(placed, 0).remote();
    hold.awaitStarted();
    ObjectRef<Integer> waiting = ray.task(() -> 1).placementGroup(pending, 0).remote();
    ray.close();
    assertTrue(running.isReady());
    assertTrue(waiting.isReady());
    assertEquals(PlacementGroupState.REMOVED, placed.state());
    assertEquals(PlacementGroupState.REMOVED, pending.state());
    assertThrows(RuntimeClosedException.class, ray::placementGroups);
  }

  @Test
  void timeline_showsEachBundleOnARowOfItsOwn(@TempDir Path dir) throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      PlacementGroup kept = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK, "kept");
      PlacementGroup removed = ray.placementGroup(List.of(cpu(1)), PlacementStrategy.PACK, "gone");
      assertTrue(kept.wait(LONG));
      assertTrue(removed.wait(LONG));
      ray.removePlacementGroup(removed);
      ray.timeline(dir.resolve("t.json"));
      List<String> lines = Files.readAllLines(dir.resolve("t.json"));
      assertTrue(lines.stream().anyMatch(l -> l.contains("\"cat\":\"placement_group\"")
          && l.contains("\"placement_group_id\":\"" + kept.id() + "\"") && l.contains("\"state\":\"RESERVED\"")), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.contains("\"cat\":\"placement_group\"")
          && l.contains("\"placement_group_id\":\"" + removed.id() + "\"") && l.contains("\"state\":\"RELEASED\"")), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.contains("placement group 'kept' (" + kept.id() + ") bundle 0")), lines.toString());
    }
  }
}
