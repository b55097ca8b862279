package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Actor lifetimes, as Ray's ActorLifetimeTest: a non-detached actor ends once no handle to it is
 * reachable, a detached one lives until it is killed or the runtime closes.
 */
@Timeout(120)
class ActorLifetimeTest {
  /** How long a test asks the collector to find an unreachable handle before it gives up. */
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  /** How long each wait between two collections lasts. */
  private static final long SLICE_MILLIS = 100;

  /** An actor that completes {@code ended} when its instance is dropped, that is when it dies. */
  static final class Tracked {
    Tracked(CompletableFuture<String> ended) {
      Raylite.context().onEnd(() -> ended.complete("ended"));
    }

    String echo(String s) {
      return s;
    }

    String holdUntil(CompletableFuture<String> release) throws Exception {
      return release.get();
    }
  }

  private static Raylite runtime() {
    return Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).namespace("lifetimes").build();
  }

  /**
   * Asks for collections until {@code future} completes or the deadline passes: each wait is on
   * the future itself, with a timeout, so nothing polls a condition.
   */
  private static <T> T awaitWithCollections(CompletableFuture<T> future) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    for (;;) {
      System.gc();
      try {
        return future.get(SLICE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not completed within " + DEADLINE + " of collections", e);
        }
      }
    }
  }

  /** Creates an actor holding 2 CPUs and drops its handle; only its name, if any, remains. */
  private static void createAndForget(Raylite ray, CompletableFuture<String> ended, String name,
      ActorLifetime lifetime) {
    ActorCreation<Tracked> creation = ray.actor(Tracked::new, ended).numCpus(2).lifetime(lifetime);
    if (name != null) {
      creation.name(name);
    }
    ActorHandle<Tracked> handle = creation.remote();
    assertEquals("hi", ray.get(handle.task(Tracked::echo, "hi").remote()));
  }

  @Test
  void forgottenActor_endsAndGivesItsResourcesBack() throws Exception {
    try (Raylite ray = runtime()) {
      CompletableFuture<String> ended = new CompletableFuture<>();
      createAndForget(ray, ended, null, ActorLifetime.NON_DETACHED);
      // A task that needs both CPUs runs only once the forgotten actor has given them back.
      ObjectRef<Integer> needsAllCpus = ray.task(() -> 42).numCpus(2).remote();
      assertEquals(42, awaitWithCollections(needsAllCpus.toCompletableFuture()));
      assertEquals("ended", ended.getNow("running"));
    }
  }

  @Test
  void forgottenNamedActor_endsAndFreesItsName() throws Exception {
    try (Raylite ray = runtime()) {
      CompletableFuture<String> ended = new CompletableFuture<>();
      createAndForget(ray, ended, "forgotten", ActorLifetime.NON_DETACHED);
      awaitWithCollections(ended);
      // The instance is dropped, and its end actions run, after the actor is marked DEAD.
      ActorInfo row = ray.state().actors(new StateFilter(null, "forgotten"), 10).rows().getFirst();
      assertEquals(ActorState.DEAD, row.state());
      assertTrue(ray.getActor("forgotten").isEmpty());
    }
  }

  @Test
  void forgottenActor_withACallRunning_livesUntilTheCallReturns() throws Exception {
    try (Raylite ray = runtime()) {
      CompletableFuture<String> ended = new CompletableFuture<>();
      CompletableFuture<String> release = new CompletableFuture<>();
      ObjectRef<String> result = submitAndForget(ray, ended, release);
      for (int i = 0; i < 5; i++) {
        System.gc();
      }
      assertThrows(TimeoutException.class, () -> ended.get(SLICE_MILLIS, TimeUnit.MILLISECONDS));
      release.complete("released");
      assertEquals("released", ray.get(result, DEADLINE));
      awaitWithCollections(ended);
    }
  }

  private static ObjectRef<String> submitAndForget(Raylite ray, CompletableFuture<String> ended,
      CompletableFuture<String> release) {
    ActorHandle<Tracked> handle = ray.actor(Tracked::new, ended).remote();
    return handle.task(Tracked::holdUntil, release).remote();
  }

  @Test
  void detachedActor_outlivesItsHandles_untilKilled() throws Exception {
    try (Raylite ray = runtime()) {
      CompletableFuture<String> ended = new CompletableFuture<>();
      createAndForget(ray, ended, "keeper", ActorLifetime.DETACHED);
      for (int i = 0; i < 5; i++) {
        System.gc();
      }
      assertThrows(TimeoutException.class, () -> ended.get(SLICE_MILLIS, TimeUnit.MILLISECONDS));
      ActorHandle<Tracked> found = ray.<Tracked>getActor("keeper").orElseThrow();
      assertEquals("still here", ray.get(found.task(Tracked::echo, "still here").remote()));
      ray.kill(found);
      assertEquals("ended", ended.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void detachedActor_endsWhenTheRuntimeCloses() throws Exception {
    CompletableFuture<String> ended = new CompletableFuture<>();
    try (Raylite ray = runtime()) {
      createAndForget(ray, ended, null, ActorLifetime.DETACHED);
    }
    assertEquals("ended", ended.getNow("running"));
  }

  @Test
  void handleFromGetActor_keepsANamedActorAlive() throws Exception {
    try (Raylite ray = runtime()) {
      CompletableFuture<String> ended = new CompletableFuture<>();
      createAndForget(ray, ended, "kept", ActorLifetime.NON_DETACHED);
      ActorHandle<Tracked> found = ray.<Tracked>getActor("kept").orElseThrow();
      for (int i = 0; i < 5; i++) {
        System.gc();
      }
      assertEquals("alive", ray.get(found.task(Tracked::echo, "alive").remote()));
      assertEquals("running", ended.getNow("running"));
    }
  }

  @Test
  void stateApi_showsTheLifetime() {
    try (Raylite ray = runtime()) {
      ActorHandle<Tracked> detached = ray.actor(Tracked::new, new CompletableFuture<String>())
          .lifetime(ActorLifetime.DETACHED).remote();
      ActorInfo row = ray.state().actors().rows().stream()
          .filter(a -> a.actorId().equals(detached.id())).findFirst().orElseThrow();
      assertEquals(ActorLifetime.DETACHED, row.lifetime());
    }
  }

  @Test
  void lifetime_rejectsNull() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ActorOptions.builder().lifetime(null));
    assertTrue(e.getMessage().contains("DETACHED"), e.getMessage());
  }

  @Test
  void unreachableActor_deathCauseSaysSo() throws Exception {
    try (Raylite ray = runtime()) {
      CompletableFuture<String> ended = new CompletableFuture<>();
      createAndForget(ray, ended, "cause", ActorLifetime.NON_DETACHED);
      awaitWithCollections(ended);
      ActorInfo row = ray.state().actors(new StateFilter(null, "cause"), 10).rows().getFirst();
      assertTrue(row.deathCause().contains("no handle"), row.deathCause());
    }
  }
}
