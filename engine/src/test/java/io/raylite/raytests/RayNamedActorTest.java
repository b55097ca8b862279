package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.Raylite;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/NamedActorTest.java} and
 * {@code NamespaceTest.java}, with the name checks of {@code python/ray/tests/test_actor.py}
 * ({@code test_named_actor*}: empty names, reuse of a dead actor's name, {@code get_actor} of an
 * unknown name).
 */
@Timeout(60)
class RayNamedActorTest {
  private final Raylite ray = Raylite.builder().cpus(2).namespace("ns1").build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class Counter {
    private int value;

    int increment() {
      return ++value;
    }
  }

  @Test
  void aNamedActor_isFoundByItsName_andTheHandleReachesTheSameActor() {
    String name = "named-actor-counter";
    ActorHandle<Counter> actor = ray.actor(Counter::new).name(name).remote();
    assertEquals(1, actor.task(Counter::increment).remote().get());
    Optional<ActorHandle<Counter>> named = ray.getActor(name);
    assertTrue(named.isPresent());
    assertEquals(2, named.get().task(Counter::increment).remote().get());
    assertEquals(actor, named.get());
  }

  @Test
  void anActorNamedInAnotherNamespace_isFoundOnlyThere() {
    String name = "global-actor-counter";
    ActorHandle<Counter> actor = ray.actor(Counter::new).name(name, "other").remote();
    assertEquals(1, actor.task(Counter::increment).remote().get());
    assertFalse(ray.getActor(name).isPresent());
    Optional<ActorHandle<Counter>> named = ray.getActor(name, "other");
    assertTrue(named.isPresent());
    assertEquals(2, named.get().task(Counter::increment).remote().get());
  }

  @Test
  void aSecondActorWithTheSameName_isRefused() {
    ray.actor(Counter::new).name("dup").remote();
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).name("dup").remote());
  }

  @Test
  void theSameNameInTwoNamespaces_isAllowed() {
    ray.actor(Counter::new).name("same").remote();
    ActorHandle<Counter> other = ray.actor(Counter::new).name("same", "other").remote();
    assertEquals(1, other.task(Counter::increment).remote().get());
  }

  @Test
  void anEmptyName_isRefusedAtTheCall() {
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).name(""));
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).name("", "ns"));
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).name("a", ""));
  }

  @Test
  void aNullName_isRefusedAtTheCall() {
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).name(null));
  }

  @Test
  void getActorOfAnUnknownName_isEmpty() {
    assertTrue(ray.getActor("nobody").isEmpty());
    assertTrue(ray.getActor("nobody", "nowhere").isEmpty());
  }

  @Test
  void getActorOfAnEmptyName_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ray.getActor(""));
    assertThrows(IllegalArgumentException.class, () -> ray.getActor(" ", "ns1"));
  }

  @Test
  void aKilledActorsName_canBeTakenAgain() {
    ActorHandle<Counter> first = ray.actor(Counter::new).name("reused").remote();
    first.task(Counter::increment).remote().get();
    ray.kill(first);
    assertThrows(ActorDiedException.class, () -> first.task(Counter::increment).remote().get());
    ActorHandle<Counter> second = ray.actor(Counter::new).name("reused").remote();
    assertEquals(1, second.task(Counter::increment).remote().get());
    assertEquals(second, ray.getActor("reused").orElseThrow());
  }

  // ---------------- get_if_exists (test_actor.py's test_get_actor_no_input / test_get_or_create) ----------------

  @Test
  void getIfExists_returnsTheLiveActorOfTheName_insteadOfCreatingAnother() {
    ActorHandle<Counter> first = ray.actor(Counter::new).name("shared").getIfExists().remote();
    assertEquals(1, first.task(Counter::increment).remote().get());
    ActorHandle<Counter> second = ray.actor(Counter::new).name("shared").getIfExists().remote();
    assertEquals(first, second);
    assertEquals(2, second.task(Counter::increment).remote().get());
  }

  @Test
  void getIfExists_withoutAName_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).getIfExists().remote());
  }

  @Test
  void getIfExists_fromManyThreadsAtOnce_createsOneActor() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<ActorHandle<Counter>>> handles = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        handles.add(pool.submit(() -> ray.actor(Counter::new).name("raced").getIfExists().remote()));
      }
      ActorHandle<Counter> first = handles.getFirst().get();
      for (java.util.concurrent.Future<ActorHandle<Counter>> handle : handles) {
        assertEquals(first, handle.get());
        handle.get().task(Counter::increment).remote();
      }
      assertEquals(9, first.task(Counter::increment).remote().get());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void getIfExists_afterTheActorWasKilled_createsAFreshOne() {
    ActorHandle<Counter> first = ray.actor(Counter::new).name("again").getIfExists().remote();
    first.task(Counter::increment).remote().get();
    ray.kill(first);
    ActorHandle<Counter> second = ray.actor(Counter::new).name("again").getIfExists().remote();
    assertEquals(1, second.task(Counter::increment).remote().get());
  }
}
