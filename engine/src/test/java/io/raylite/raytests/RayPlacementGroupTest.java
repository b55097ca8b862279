package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.InfeasibleResourceException;
import io.raylite.PlacementGroup;
import io.raylite.PlacementGroupRemovedException;
import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/PlacementGroupTest.java}, with
 * cases of {@code python/ray/tests/test_placement_group.py}. Ray's Java test refused bundle index
 * -1; Raylite takes -1 as "any bundle", as Ray's {@code PlacementGroupSchedulingStrategy} does
 * (README, "Placement groups").
 */
@Timeout(60)
class RayPlacementGroupTest {
  private final Raylite ray = Raylite.builder().cpus(4).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class Counter {
    private final int value;

    Counter(int initValue) {
      this.value = initValue;
    }

    int getValue() {
      return value;
    }
  }

  private PlacementGroup simpleGroup(String name) {
    return ray.placementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK, name);
  }

  @Test
  void anActorInABundle_isCreatedAndAnswersCalls() {
    PlacementGroup group = ray.placementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
    assertTrue(group.wait(Duration.ofSeconds(10)));
    ActorHandle<Counter> actor = ray.actor(Counter::new, 1).numCpus(1).placementGroup(group, 0).remote();
    assertEquals(1, actor.task(Counter::getValue).remote().get());
  }

  @Test
  void groups_areFoundByIdAndName_andListed() {
    PlacementGroup first = simpleGroup("first_placement_group");
    PlacementGroup second = simpleGroup("second_placement_group");
    assertTrue(first.wait(Duration.ofSeconds(10)));
    assertTrue(second.wait(Duration.ofSeconds(10)));
    assertNotEquals(first.id(), second.id());

    PlacementGroup found = ray.getPlacementGroupById(first.id()).orElseThrow();
    assertEquals(first.id(), found.id());
    assertEquals(first.name(), found.name());
    assertEquals(1, found.bundles().size());
    assertEquals(PlacementStrategy.PACK, found.strategy());
    assertEquals(second.id(), ray.getPlacementGroup("second_placement_group").orElseThrow().id());
    assertEquals(2, ray.placementGroups().size());
  }

  @Test
  void aRemovedGroup_isRemoved_andWaitingOnItThrows() {
    simpleGroup("first_placement_group");
    PlacementGroup second = simpleGroup("second_placement_group");
    assertEquals(2, ray.placementGroups().size());
    ray.removePlacementGroup(second);
    assertEquals(PlacementGroupState.REMOVED, second.state());
    assertThrows(PlacementGroupRemovedException.class, () -> second.wait(Duration.ofSeconds(10)));
    assertThrows(PlacementGroupRemovedException.class, () -> second.ready().get());
  }

  @Test
  void removingAGroupTwice_isHarmless() {
    PlacementGroup group = simpleGroup("twice");
    ray.removePlacementGroup(group);
    ray.removePlacementGroup(group);
    assertEquals(PlacementGroupState.REMOVED, group.state());
  }

  @Test
  void aBundleIndexOutsideTheGroup_isRefusedAtTheCall() {
    PlacementGroup group = simpleGroup("one_bundle");
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new, 1).placementGroup(group, 1).remote());
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new, 1).placementGroup(group, -2).remote());
    assertThrows(IllegalArgumentException.class, () -> ray.task(() -> 1).placementGroup(group, 1).remote());
  }

  @Test
  void anEmptyListOfBundles_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ray.placementGroup(List.of(), PlacementStrategy.PACK));
  }

  @Test
  void aBundleAskingForNothing_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ray.placementGroup(List.of(Map.of("CPU", 0.0)), PlacementStrategy.PACK));
    assertThrows(IllegalArgumentException.class,
        () -> ray.placementGroup(List.of(Map.of()), PlacementStrategy.PACK));
  }

  @Test
  void aBundleWithANegativeOrNanAmount_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ray.placementGroup(List.of(Map.of("CPU", -1.0)), PlacementStrategy.PACK));
    assertThrows(IllegalArgumentException.class,
        () -> ray.placementGroup(List.of(Map.of("CPU", Double.NaN)), PlacementStrategy.PACK));
  }

  @Test
  void aGroupLargerThanTheRuntime_isInfeasible() {
    assertThrows(InfeasibleResourceException.class,
        () -> ray.placementGroup(List.of(Map.of("CPU", 5.0)), PlacementStrategy.PACK));
  }

  @Test
  void removingAGroup_killsItsActors() {
    PlacementGroup group = simpleGroup("with_actor");
    ActorHandle<Counter> actor = ray.actor(Counter::new, 1).numCpus(1).placementGroup(group, 0).remote();
    assertEquals(1, actor.task(Counter::getValue).remote().get());
    ray.removePlacementGroup(group);
    assertThrows(ActorDiedException.class, () -> actor.task(Counter::getValue).remote().get());
  }

  @Test
  void removingAGroup_givesItsResourcesBack() {
    PlacementGroup group = ray.placementGroup(List.of(Map.of("CPU", 4.0)), PlacementStrategy.PACK);
    assertTrue(group.wait(Duration.ofSeconds(10)));
    assertEquals(0.0, ray.availableResources().getOrDefault("CPU", 0.0));
    ray.removePlacementGroup(group);
    assertEquals(4.0, ray.availableResources().get("CPU"));
  }

  // ---------------- from test_placement_group.py ----------------

  static int block(java.util.concurrent.CountDownLatch entered, java.util.concurrent.CountDownLatch release)
      throws InterruptedException {
    entered.countDown();
    release.await();
    return 0;
  }

  @Test
  void aGroupThatDoesNotFitYet_isPending_thenCreatedWhenResourcesFree_andItsTaskRuns() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    io.raylite.ObjectRef<Integer> holder = ray.task(RayPlacementGroupTest::block, entered, release).numCpus(4).remote();
    assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS));
    PlacementGroup group = ray.placementGroup(List.of(Map.of("CPU", 2.0)), PlacementStrategy.PACK);
    assertEquals(PlacementGroupState.PENDING, group.state());
    assertFalse(group.wait(Duration.ZERO));
    io.raylite.ObjectRef<Integer> placed = ray.task(() -> 7).numCpus(1).placementGroup(group, 0).remote();
    release.countDown();
    assertEquals(0, holder.get());
    assertTrue(group.wait(Duration.ofSeconds(30)));
    assertEquals(PlacementGroupState.CREATED, group.state());
    assertEquals(7, placed.get(Duration.ofSeconds(30)));
  }

  @Test
  void removingAPendingGroup_failsItsWaitingTasks_andItNeverReserves() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    io.raylite.ObjectRef<Integer> holder = ray.task(RayPlacementGroupTest::block, entered, release).numCpus(4).remote();
    assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS));
    PlacementGroup group = ray.placementGroup(List.of(Map.of("CPU", 2.0)), PlacementStrategy.PACK);
    io.raylite.ObjectRef<Integer> placed = ray.task(() -> 7).numCpus(1).placementGroup(group, 0).remote();
    ray.removePlacementGroup(group);
    assertThrows(io.raylite.RayliteException.class, () -> placed.get(Duration.ofSeconds(30)));
    release.countDown();
    assertEquals(0, holder.get());
    assertEquals(4.0, ray.availableResources().get("CPU"));
  }

  @Test
  void aRemovedGroup_isNoLongerFoundByName() {
    PlacementGroup group = simpleGroup("gone");
    ray.removePlacementGroup(group);
    assertTrue(ray.getPlacementGroup("gone").isEmpty());
  }

  @Test
  void aTaskAskingForMoreThanItsBundle_isRefusedAtTheCall() {
    PlacementGroup group = simpleGroup("small");
    assertThrows(InfeasibleResourceException.class, () -> ray.task(() -> 1).numCpus(2).placementGroup(group, 0).remote());
  }

  @Test
  void placingWorkInARemovedGroup_isRefused() {
    PlacementGroup group = simpleGroup("removed");
    ray.removePlacementGroup(group);
    assertThrows(PlacementGroupRemovedException.class, () -> ray.task(() -> 1).numCpus(1).placementGroup(group, 0).remote());
    assertThrows(PlacementGroupRemovedException.class, () -> ray.actor(Counter::new, 1).placementGroup(group, 0).remote());
  }

  @Test
  void tasksInOneBundle_runNoMoreAtOnceThanItHolds() throws Exception {
    PlacementGroup group = ray.placementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    io.raylite.ObjectRef<Integer> first = ray.task(RayPlacementGroupTest::block, entered, release)
        .numCpus(1).placementGroup(group, 0).remote();
    assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS));
    io.raylite.ObjectRef<Integer> second = ray.task(() -> 2).numCpus(1).placementGroup(group, 0).remote();
    assertTrue(ray.wait(List.of(second), 1, Duration.ofMillis(100)).ready().isEmpty(), "the bundle is full");
    assertEquals(3, ray.task(() -> 3).numCpus(3).remote().get(Duration.ofSeconds(30)), "outside the group CPUs are free");
    release.countDown();
    assertEquals(0, first.get());
    assertEquals(2, second.get(Duration.ofSeconds(30)));
  }

  @Test
  void aSecondGroupWithTheSameName_isRefused() {
    simpleGroup("dup");
    assertThrows(IllegalArgumentException.class, () -> simpleGroup("dup"));
  }
}
