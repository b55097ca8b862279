package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Actors created with dedicatedThread(): one platform thread for the constructor and every call. */
@Timeout(60)
class DedicatedThreadTest {
  private static final Duration GUARD = Duration.ofSeconds(30);

  /** Keeps a count in a ThreadLocal set by its constructor, as thread-bound libraries do. */
  static final class ThreadBound {
    private final ThreadLocal<int[]> count = new ThreadLocal<>();
    private final Thread constructedOn;

    ThreadBound() {
      count.set(new int[1]);
      constructedOn = Thread.currentThread();
    }

    Thread thread() {
      return Thread.currentThread();
    }

    Thread constructedOn() {
      return constructedOn;
    }

    int increment() {
      return ++count.get()[0];  // a NullPointerException on a thread the constructor did not run on
    }

    int fail() {
      throw new AssertionError("rebuild me");
    }
  }

  private static Raylite runtime() {
    return Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).build();
  }

  @Test
  void everyCall_runsOnTheConstructorsPlatformThread() {
    try (Raylite ray = runtime()) {
      ActorHandle<ThreadBound> actor = ray.actor(ThreadBound::new).dedicatedThread().remote();
      Thread first = ray.get(actor.task(ThreadBound::thread).remote(), GUARD);
      for (int i = 0; i < 20; i++) {
        assertSame(first, ray.get(actor.task(ThreadBound::thread).remote(), GUARD));
      }
      assertSame(first, ray.get(actor.task(ThreadBound::constructedOn).remote(), GUARD));
      assertFalse(first.isVirtual());
    }
  }

  @Test
  void threadLocalState_survivesAcrossCalls() {
    try (Raylite ray = runtime()) {
      ActorHandle<ThreadBound> actor = ray.actor(ThreadBound::new).dedicatedThread().remote();
      for (int i = 1; i <= 50; i++) {
        assertEquals(i, ray.get(actor.task(ThreadBound::increment).remote(), GUARD));
      }
    }
  }

  @Test
  void dedicatedThread_afterMaxConcurrency_failsNamingBoth() {
    try (Raylite ray = runtime()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.actor(ThreadBound::new).maxConcurrency(4).dedicatedThread());
      assertTrue(e.getMessage().contains("dedicatedThread") && e.getMessage().contains("maxConcurrency(4)"),
          e.getMessage());
    }
  }

  @Test
  void maxConcurrency_afterDedicatedThread_failsNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ActorOptions.builder().dedicatedThread(true).maxConcurrency(2));
    assertTrue(e.getMessage().contains("dedicatedThread") && e.getMessage().contains("maxConcurrency(2)"),
        e.getMessage());
  }

  @Test
  void concurrencyGroups_withDedicatedThread_fail() {
    ConcurrencyGroup io = ConcurrencyGroup.<ThreadBound>builder("io", 1).method(ThreadBound::thread).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ActorOptions.builder().dedicatedThread(true).concurrencyGroups(io));
    assertTrue(e.getMessage().contains("dedicatedThread"), e.getMessage());
  }

  @Test
  void restartedActor_getsANewThread_andTheOldOneEnds() throws Exception {
    try (Raylite ray = runtime()) {
      ActorHandle<ThreadBound> actor = ray.actor(ThreadBound::new).dedicatedThread().maxRestarts(1).remote();
      Thread before = ray.get(actor.task(ThreadBound::thread).remote(), GUARD);
      assertThrows(ActorDiedException.class, () -> ray.get(actor.task(ThreadBound::fail).remote(), GUARD));
      Thread after = ray.get(actor.task(ThreadBound::thread).remote(), GUARD);
      assertNotSame(before, after);
      assertEquals(1, ray.get(actor.task(ThreadBound::increment).remote(), GUARD));  // set by the new constructor
      assertTrue(before.join(GUARD), "the first incarnation's thread is still alive");
    }
  }

  @Test
  void kill_endsTheThread() throws Exception {
    try (Raylite ray = runtime()) {
      ActorHandle<ThreadBound> actor = ray.actor(ThreadBound::new).dedicatedThread().remote();
      Thread thread = ray.get(actor.task(ThreadBound::thread).remote(), GUARD);
      ray.kill(actor);
      assertTrue(thread.join(GUARD), "the dedicated thread is still alive after kill");
    }
  }

  @Test
  void close_endsTheThread() throws Exception {
    Thread thread;
    try (Raylite ray = runtime()) {
      ActorHandle<ThreadBound> actor = ray.actor(ThreadBound::new).dedicatedThread().remote();
      thread = ray.get(actor.task(ThreadBound::thread).remote(), GUARD);
    }
    assertFalse(thread.isAlive());  // close joins every actor thread
  }
}
