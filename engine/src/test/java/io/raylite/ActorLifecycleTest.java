package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many actors at once, and closing a runtime that has actors. */
@Timeout(300)
class ActorLifecycleTest {

  static final class Counter {
    private int value;

    Counter(int start) {
      value = start;
    }

    int add(int n) {
      value += n;
      return value;
    }
  }

  /** Records every thread that runs its code. */
  static final class Tracked {
    private final Set<Thread> threads;

    Tracked(Set<Thread> threads) {
      this.threads = threads;
      threads.add(Thread.currentThread());
    }

    int ping() {
      threads.add(Thread.currentThread());
      return 1;
    }

    int block(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      threads.add(Thread.currentThread());
      entered.countDown();
      release.await();
      return 0;
    }
  }

  /**
   * The least heap in use over five full collections: garbage that other threads of the test JVM
   * (earlier test classes' runtimes winding down, reference reaping) make meanwhile is gone in some
   * reading, while what is retained is in every one.
   */
  static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      least = Math.min(least, rt.totalMemory() - rt.freeMemory());
    }
    return least;
  }

  @Test
  void hundredThousandActors_createdAndCalledOnce_thenIdle_holdNoThreadAndLittleMemory() {
    int n = 100_000;
    try (Raylite ray = Raylite.builder().cpus(2).timelineCapacity(0).build()) {
      long before = usedHeapAfterGc();
      List<ActorHandle<Counter>> actors = new ArrayList<>(n);
      List<ObjectRef<Integer>> refs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ActorHandle<Counter> actor = ray.actor(Counter::new, i).remote();
        actors.add(actor);
        refs.add(actor.task(Counter::add, 1).remote());
      }
      List<Integer> values = ray.get(refs);
      for (int i = 0; i < n; i++) {
        assertEquals(i + 1, values.get(i));
      }
      refs = null;
      values = null;
      // A drainer's virtual thread ends shortly after its last call completes; on a loaded machine
      // some are still winding down here, and their stacks are heap. Idle actors hold no thread, so
      // every one of them ends.
      List<Thread> alive = ray.runtime().actors().awaitThreadsEnded(Duration.ofSeconds(60));
      assertEquals(0, alive.size(), () -> "actor threads still alive with every actor idle, e.g. "
          + alive.subList(0, Math.min(5, alive.size())));
      long perActor = (usedHeapAfterGc() - before) / n;
      // An idle actor is its record, an empty mailbox, its instance and its handle: a few hundred
      // bytes. A parked virtual thread per idle actor alone would cost more than this bound.
      assertTrue(perActor < 1_000, "an idle actor costs " + perActor + " bytes of heap");
      assertEquals(n + 2, ray.get(actors.get(n - 1).task(Counter::add, 2).remote()));
    }
  }

  @Test
  void close_stopsEveryActor_failsTheirCalls_andLeavesNoThreadBehind() throws Exception {
    String name = "actor-close-test";
    Set<Thread> actorThreads = ConcurrentHashMap.newKeySet();
    Raylite ray = Raylite.builder().name(name).cpus(2).build();
    List<ActorHandle<Tracked>> idle = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ActorHandle<Tracked> actor = ray.actor(Tracked::new, actorThreads).remote();
      ray.get(actor.task(Tracked::ping).remote());
      idle.add(actor);
    }
    CountDownLatch entered = new CountDownLatch(3);
    CountDownLatch never = new CountDownLatch(1);
    ActorHandle<Tracked> sequential = ray.actor(Tracked::new, actorThreads).remote();
    ObjectRef<Integer> stuck = sequential.task(Tracked::block, entered, never).remote();
    ObjectRef<Integer> queued = sequential.task(Tracked::ping).remote();
    ActorHandle<Tracked> threaded = ray.actor(Tracked::new, actorThreads).maxConcurrency(4).remote();
    ObjectRef<Integer> stuckA = threaded.task(Tracked::block, entered, never).remote();
    ObjectRef<Integer> stuckB = threaded.task(Tracked::block, entered, never).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS), "the blocking calls started");

    ray.close();

    for (ObjectRef<Integer> ref : List.of(stuck, queued, stuckA, stuckB)) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> ref.toCompletableFuture().get());
      assertInstanceOf(ActorDiedException.class, e.getCause());
    }
    for (Thread t : actorThreads) {
      assertFalse(t.isAlive(), t + " outlived close()");
    }
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      assertFalse(t.getName().startsWith(name), t + " outlived close()");
    }
    assertThrows(RuntimeClosedException.class, () -> idle.get(0).task(Tracked::ping).remote());
    assertThrows(RuntimeClosedException.class, () -> ray.actor(Tracked::new, actorThreads).remote());
    assertThrows(RuntimeClosedException.class, () -> ray.getActor("any"));
    assertTrue(actorThreads.size() > 3, "the actors' threads were recorded");
  }
}
