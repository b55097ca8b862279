package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/ExitActorTest.java}. Ray kills
 * the actor's process with {@code kill -9} to force a restart; here an {@code Error} thrown by a
 * method does the same (README, "Failure model"). The multi-worker case becomes two actors in the
 * same JVM.
 */
@Timeout(60)
class RayExitActorTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class ExitingActor {
    private int counter;

    int incr() {
      return ++counter;
    }

    int crash() {
      throw new AssertionError("process died");
    }

    boolean exit() {
      Raylite.exitActor();
      return false;
    }
  }

  @Test
  void exitActor_endsTheActorWithoutRestart_evenWithRestartsLeft() {
    ActorHandle<ExitingActor> actor = ray.actor(ExitingActor::new).maxRestarts(10000).remote();
    assertEquals(1, actor.task(ExitingActor::incr).remote().get());
    assertThrows(ActorDiedException.class, () -> actor.task(ExitingActor::crash).remote().get());
    assertEquals(1, actor.task(ExitingActor::incr).remote().get(), "the actor was rebuilt");

    ObjectRef<Boolean> exited = actor.task(ExitingActor::exit).remote();
    assertThrows(ActorDiedException.class, exited::get);
    assertThrows(ActorDiedException.class, () -> actor.task(ExitingActor::incr).remote().get());
  }

  @Test
  void exitActor_endsOnlyThatActor() {
    ActorHandle<ExitingActor> first = ray.actor(ExitingActor::new).maxRestarts(10000).remote();
    ActorHandle<ExitingActor> second = ray.actor(ExitingActor::new).remote();
    assertEquals(1, first.task(ExitingActor::incr).remote().get());
    assertEquals(1, second.task(ExitingActor::incr).remote().get());
    assertThrows(ActorDiedException.class, () -> first.task(ExitingActor::exit).remote().get());
    assertEquals(2, second.task(ExitingActor::incr).remote().get());
  }

  @Test
  void exitActor_outsideAnActor_isAnIllegalStateException() {
    assertThrows(IllegalStateException.class, Raylite::exitActor);
    assertThrows(Exception.class, () -> ray.task(RayExitActorTest::exitFromTask).remote().get());
  }

  static int exitFromTask() {
    Raylite.exitActor();
    return 0;
  }
}
