package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.Raylite;
import io.raylite.RuntimeContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/RuntimeContextTest.java} and
 * {@code GetCurrentActorHandleTest.java}. Ray's driver has a runtime context of its own; Raylite's
 * context belongs to tasks and actor calls (README, "Differences from Ray": the runtime context),
 * and the driver asks its runtime instead ({@code namespace()}, {@code nodes()}).
 */
@Timeout(60)
class RayRuntimeContextTest {
  private final Raylite ray = Raylite.builder().cpus(2).namespace("ctx").build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class Tester {
    String actorId() {
      return Raylite.context().actorId().orElseThrow();
    }

    String namespace() {
      return Raylite.context().namespace();
    }

    String taskId() {
      return Raylite.context().taskId();
    }

    String selfId() {
      return Raylite.context().<Tester>currentActor().id();
    }

    String nodeId() {
      return Raylite.context().nodeId();
    }
  }

  @Test
  void inAnActor_theContextNamesTheActor_itsNamespace_andATask() {
    ActorHandle<Tester> actor = ray.actor(Tester::new).remote();
    assertEquals(actor.id(), actor.task(Tester::actorId).remote().get());
    assertEquals("ctx", actor.task(Tester::namespace).remote().get());
    assertEquals(actor.id(), actor.task(Tester::selfId).remote().get());
    assertNotEquals(actor.task(Tester::taskId).remote().get(), actor.task(Tester::taskId).remote().get(),
        "each call has a task id of its own");
  }

  @Test
  void inAnActor_theNodeIsTheRuntimesOnlyNode() {
    ActorHandle<Tester> actor = ray.actor(Tester::new).remote();
    assertEquals(1, ray.nodes().size());
    assertEquals(ray.nodes().getFirst().nodeId(), actor.task(Tester::nodeId).remote().get());
  }

  static String taskContext() {
    RuntimeContext context = Raylite.context();
    return context.taskId() + "|" + context.actorId().isPresent() + "|" + context.namespace();
  }

  @Test
  void inATask_theContextHasATaskId_noActor_andTheNamespace() {
    String[] parts = ray.task(RayRuntimeContextTest::taskContext).remote().get().split("\\|");
    assertFalse(parts[0].isEmpty());
    assertEquals("false", parts[1]);
    assertEquals("ctx", parts[2]);
  }

  static String currentActorInTask() {
    return Raylite.context().currentActor().id();
  }

  @Test
  void currentActor_inATask_isAnIllegalStateException() {
    Exception e = assertThrows(Exception.class, () -> ray.task(RayRuntimeContextTest::currentActorInTask).remote().get());
    assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
  }

  @Test
  void inTheDriver_thereIsNoContext_andTheRuntimeAnswersInstead() {
    assertThrows(IllegalStateException.class, Raylite::context);
    assertTrue(Raylite.contextIfRunning().isEmpty());
    assertEquals("ctx", ray.namespace());
  }
}
