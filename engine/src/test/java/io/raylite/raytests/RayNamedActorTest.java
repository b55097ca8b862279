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
}
