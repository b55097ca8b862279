package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.Raylite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/ActorRestartTest.java}. Ray kills
 * the actor's process; in one JVM an actor dies when a method throws an {@code Error} (README,
 * "Failure model"), so {@code die} stands for {@code kill -9}.
 */
@Timeout(60)
class RayActorRestartTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class Counter {
    private int value;
    private final boolean builtAsRestart = Raylite.context().wasActorRestarted();

    boolean wasCurrentActorRestarted() {
      return builtAsRestart;
    }

    int increase() {
      return ++value;
    }

    int die() {
      throw new OutOfMemoryError("worker died");
    }
  }

  @Test
  void anActorWithOneRestart_isRebuiltOnce_withFreshState_thenDiesForGood() {
    ActorHandle<Counter> actor = ray.actor(Counter::new).maxRestarts(1).remote();
    for (int i = 0; i < 3; i++) {
      actor.task(Counter::increase).remote().get();
    }
    assertFalse(actor.task(Counter::wasCurrentActorRestarted).remote().get());

    assertThrows(ActorDiedException.class, () -> actor.task(Counter::die).remote().get());
    assertEquals(1, actor.task(Counter::increase).remote().get());
    assertTrue(actor.task(Counter::wasCurrentActorRestarted).remote().get());

    assertThrows(ActorDiedException.class, () -> actor.task(Counter::die).remote().get());
    assertThrows(ActorDiedException.class, () -> actor.task(Counter::increase).remote().get());
  }

  @Test
  void maxRestartsMinusOne_restartsWithoutLimit() {
    ActorHandle<Counter> actor = ray.actor(Counter::new).maxRestarts(-1).remote();
    for (int i = 0; i < 5; i++) {
      assertThrows(ActorDiedException.class, () -> actor.task(Counter::die).remote().get());
      assertEquals(1, actor.task(Counter::increase).remote().get());
    }
  }

  @Test
  void maxRestartsBelowMinusOne_isRefusedAtTheOptionsCall() {
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).maxRestarts(-2));
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Counter::new).maxTaskRetries(-2));
  }
}
