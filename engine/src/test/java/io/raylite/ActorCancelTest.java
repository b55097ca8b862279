package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling actor calls, as Ray cancels actor tasks: queued calls never run, running ones are flagged. */
@Timeout(60)
class ActorCancelTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  /** A counter whose calls can be held at a latch. */
  static final class Counter {
    private int count;
    private boolean sawCancelled;
    private boolean sawInterrupt;

    int add(int n) {
      count += n;
      return count;
    }

    /** Counts itself, then waits at the latch, and notes what it saw when let go. */
    int addHeld(CountDownLatch entered, CountDownLatch release, AtomicInteger runs) {
      runs.incrementAndGet();
      count++;
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        sawInterrupt = true;
      }
      sawCancelled = Raylite.context().isCancelled();
      return count;
    }

    boolean sawCancelled() {
      return sawCancelled;
    }

    boolean sawInterrupt() {
      return sawInterrupt;
    }

    int count() {
      return count;
    }
  }

  /** A call of {@link Counter#addHeld}, running and held at its latch. */
  private record Held(ObjectRef<Integer> ref, CountDownLatch release, AtomicInteger runs) {}

  private static Held hold(ActorHandle<Counter> actor) throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    ObjectRef<Integer> ref = actor.task(Counter::addHeld, entered, release, runs).remote();
    entered.await();
    return new Held(ref, release, runs);
  }

  private static TaskCancelledException cancelled(Raylite ray, ObjectRef<?> ref) {
    return assertThrows(TaskCancelledException.class, () -> ray.get(ref, Duration.ofSeconds(30)));
  }

  @Test
  void queuedCallIsCancelled_andNeverRuns(@TempDir Path dir) throws Exception {
    ActorHandle<Counter> actor = ray.actor(Counter::new).remote();
    Held held = hold(actor);
    ObjectRef<Integer> running = held.ref();
    ObjectRef<Integer> queued = actor.task(Counter::add, 100).remote();

    assertTrue(ray.cancel(queued, false));
    TaskCancelledException e = cancelled(ray, queued);
    assertTrue(e.getMessage().contains("Counter.add"), e.getMessage());
    held.release().countDown();

    assertEquals(1, ray.get(running, Duration.ofSeconds(30)));
    assertEquals(1, ray.get(actor.task(Counter::count).remote(), Duration.ofSeconds(30)));
    assertFalse(ray.cancel(queued, false), "a cancelled call is done: cancelling again does nothing");

    // The timeline shows it cancelled, on no row, as it never ran.
    ray.timeline(dir.resolve("t.json"));
    assertTrue(Files.readAllLines(dir.resolve("t.json")).stream().anyMatch(l -> l.contains("\"name\":\"ActorCancelTest.Counter.add\"")
        && l.contains("\"state\":\"CANCELLED\"") && l.contains("\"tid\":-1,")));
  }

  @Test
  void runningCallIsFlaggedNotInterrupted_andItsResultIsCancelledAtOnce() throws Exception {
    ActorHandle<Counter> actor = ray.actor(Counter::new).remote();
    Held held = hold(actor);
    ObjectRef<Integer> running = held.ref();

    assertTrue(ray.cancel(running, false));
    cancelled(ray, running);  // before the call has finished
    held.release().countDown();

    // The call ran to its end on the actor: its effect stays, and it saw the flag, not an interrupt.
    assertEquals(2, ray.get(actor.task(Counter::add, 1).remote(), Duration.ofSeconds(30)));
    assertTrue(ray.get(actor.task(Counter::sawCancelled).remote(), Duration.ofSeconds(30)));
    assertFalse(ray.get(actor.task(Counter::sawInterrupt).remote(), Duration.ofSeconds(30)));
    cancelled(ray, running);
  }

  @Test
  void forceIsRefusedForActorCalls_andTheCallGoesOn() throws Exception {
    ActorHandle<Counter> actor = ray.actor(Counter::new).remote();
    Held held = hold(actor);
    ObjectRef<Integer> running = held.ref();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ray.cancel(running, true));
    assertTrue(e.getMessage().contains("force=true"), e.getMessage());
    assertTrue(e.getMessage().contains("Counter.addHeld"), e.getMessage());
    held.release().countDown();
    assertEquals(1, ray.get(running, Duration.ofSeconds(30)));
  }

  @Test
  void finishedCallIsNotCancelled() {
    ActorHandle<Counter> actor = ray.actor(Counter::new).remote();
    ObjectRef<Integer> done = actor.task(Counter::add, 3).remote();
    assertEquals(3, ray.get(done, Duration.ofSeconds(30)));
    assertFalse(ray.cancel(done, false));
    assertEquals(3, ray.get(done));
  }

  @Test
  void cancelledRunningCallIsNotRetriedOnTheRestartedActor() throws Exception {
    ActorHandle<Counter> actor = ray.actor(Counter::new).maxRestarts(1).maxTaskRetries(1).remote();
    Held held = hold(actor);
    ObjectRef<Integer> running = held.ref();

    assertTrue(ray.cancel(running, false));
    ray.kill(actor, false);  // restart: a running call with a retry left would run again
    held.release().countDown();

    assertEquals(1, ray.get(actor.task(Counter::add, 1).remote(), Duration.ofSeconds(30)),
        "the restarted actor starts from a fresh instance and runs only the later call");
    assertInstanceOf(TaskCancelledException.class, cancelled(ray, running));
    assertEquals(1, held.runs().get());
  }
}
