package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The drainer of a sequential actor takes the calls queued behind the one it ran in one batch, and
 * runs them without the actor's monitor. A call of a batch that has not started must still behave
 * as a queued call (cancel, kill, restart, priorities), and each call's result must complete as
 * soon as the call returns. The batches here are set up by holding the actor in a first call
 * ({@code w}) while the next calls queue, so that its drainer takes them all at once when it is
 * released, and starts the first of them ({@code x}), which holds the rest back until the test
 * lets it go.
 */
@Timeout(180)
class ActorBatchTest {
  /** Guards waits that must end; reached only when the behaviour under test is broken. */
  private static final Duration GUARD = Duration.ofSeconds(60);

  /** Logs the calls it runs, by name, into a log that outlives its incarnations. */
  static final class Steps {
    private final Queue<String> log;

    Steps(Queue<String> log) {
      this.log = log;
    }

    String gate(String name, CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      log.add(name);
      entered.countDown();
      release.await();
      return name;
    }

    String step(String name) {
      log.add(name);
      return name;
    }

    String getFirst(List<ObjectRef<String>> refs) {
      String got = refs.getFirst().get();
      log.add("got " + got);
      return got;
    }

    String getLater(CompletableFuture<ObjectRef<String>> later) {
      return later.join().get();
    }
  }

  /** The calls held in one batch: {@code x} runs (holding the rest back until released), {@code rest} wait. */
  private record Batch(ObjectRef<String> w, ObjectRef<String> x, CountDownLatch releaseX) {}

  /**
   * Holds {@code actor} in a call {@code w}, queues {@code x} (a gate) and then what {@code queue}
   * submits, releases {@code w}, and returns once {@code x} runs: the drainer then holds the
   * queued calls in the batch it took with {@code x}.
   */
  private static Batch takeBatch(ActorHandle<Steps> actor, Runnable queue) throws InterruptedException {
    CountDownLatch wEntered = new CountDownLatch(1);
    CountDownLatch releaseW = new CountDownLatch(1);
    ObjectRef<String> w = actor.task(Steps::gate, "w", wEntered, releaseW).remote();
    assertTrue(wEntered.await(GUARD.toSeconds(), TimeUnit.SECONDS), "w started");
    CountDownLatch xEntered = new CountDownLatch(1);
    CountDownLatch releaseX = new CountDownLatch(1);
    ObjectRef<String> x = actor.task(Steps::gate, "x", xEntered, releaseX).remote();
    queue.run();
    releaseW.countDown();
    assertTrue(xEntered.await(GUARD.toSeconds(), TimeUnit.SECONDS), "x started");
    return new Batch(w, x, releaseX);
  }

  @Test
  void cancelOfACallInATakenBatch_keepsItFromRunning_andTheRestOfTheBatchRuns() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      ActorHandle<Steps> actor = ray.actor(Steps::new, log).remote();
      List<ObjectRef<String>> queued = new ArrayList<>();
      Batch batch = takeBatch(actor, () -> {
        queued.add(actor.task(Steps::step, "b").remote());
        queued.add(actor.task(Steps::step, "c").remote());
      });

      assertTrue(ray.cancel(queued.get(0), false), "b had not started");
      batch.releaseX().countDown();

      assertEquals("x", batch.x().get(GUARD));
      assertThrows(TaskCancelledException.class, () -> queued.get(0).get(GUARD));
      assertEquals("c", queued.get(1).get(GUARD));
      assertEquals(List.of("w", "x", "c"), List.copyOf(log));
    }
  }

  @Test
  void killWithRestartDuringABatch_runsItsCallsNotStartedOnceOnTheRebuiltActor_inOrder() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      ActorHandle<Steps> actor = ray.actor(Steps::new, log).maxRestarts(1).maxTaskRetries(1).remote();
      List<ObjectRef<String>> queued = new ArrayList<>();
      Batch batch = takeBatch(actor, () -> {
        queued.add(actor.task(Steps::step, "b").remote());
        queued.add(actor.task(Steps::step, "c").remote());
      });

      ray.kill(actor, false);
      batch.releaseX().countDown();  // x, interrupted, runs again on the rebuilt actor

      assertEquals("x", batch.x().get(GUARD));
      assertEquals("b", queued.get(0).get(GUARD));
      assertEquals("c", queued.get(1).get(GUARD));
      assertEquals(List.of("w", "x", "x", "b", "c"), List.copyOf(log));
    }
  }

  @Test
  void killWithoutRestartDuringABatch_failsItsCallsNotStarted_withoutRunningThem() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      ActorHandle<Steps> actor = ray.actor(Steps::new, log).remote();
      List<ObjectRef<String>> queued = new ArrayList<>();
      Batch batch = takeBatch(actor, () -> {
        queued.add(actor.task(Steps::step, "b").remote());
        queued.add(actor.task(Steps::step, "c").remote());
      });

      ray.kill(actor, true);
      batch.releaseX().countDown();

      assertThrows(ActorDiedException.class, () -> batch.x().get(GUARD));
      assertThrows(ActorDiedException.class, () -> queued.get(0).get(GUARD));
      assertThrows(ActorDiedException.class, () -> queued.get(1).get(GUARD));
      assertEquals(List.of("w", "x"), List.copyOf(log));
    }
  }

  @Test
  void laterCallOfABatch_getsAnEarlierCallsResult_withoutWaitingForTheBatchToEnd() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      ActorHandle<Steps> actor = ray.actor(Steps::new, log).remote();
      List<ObjectRef<String>> queued = new ArrayList<>();
      Batch batch = takeBatch(actor, () -> {
        ObjectRef<String> a = actor.task(Steps::step, "a").remote();
        queued.add(a);
        queued.add(actor.task(Steps::getFirst, List.of(a)).remote());
      });
      batch.releaseX().countDown();

      assertEquals("a", queued.get(1).get(GUARD), "a sequential actor's later call read an earlier result");
      assertEquals(List.of("w", "x", "a", "got a"), List.copyOf(log));
    }
  }

  @Test
  void callOfABatchWaitingForALaterCallOfTheSameBatch_failsWithDeadlock() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      ActorHandle<Steps> actor = ray.actor(Steps::new, log).remote();
      CompletableFuture<ObjectRef<String>> later = new CompletableFuture<>();
      List<ObjectRef<String>> queued = new ArrayList<>();
      Batch batch = takeBatch(actor, () -> {
        queued.add(actor.task(Steps::getLater, later).remote());
        ObjectRef<String> c = actor.task(Steps::step, "c").remote();
        queued.add(c);
        later.complete(c);
      });
      batch.releaseX().countDown();

      TaskFailedException failed = assertThrows(TaskFailedException.class, () -> queued.get(0).get(GUARD));
      assertTrue(hasCause(failed, DeadlockException.class), "the cycle through the batch was found: " + failed);
      assertEquals("c", queued.get(1).get(GUARD));
    }
  }

  @Test
  void higherPriorityCall_runsAheadOfTheCallsOfATakenBatchThatHaveNotStarted() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      ActorHandle<Steps> actor = ray.actor(Steps::new, log).remote();
      List<ObjectRef<String>> queued = new ArrayList<>();
      Batch batch = takeBatch(actor, () -> {
        queued.add(actor.task(Steps::step, "b").remote());
        queued.add(actor.task(Steps::step, "c").remote());
      });

      ObjectRef<String> urgent = actor.task(Steps::step, "p").priority(5).remote();
      batch.releaseX().countDown();

      assertEquals("c", queued.get(1).get(GUARD));
      assertEquals("p", urgent.get(GUARD));
      assertEquals(List.of("w", "x", "p", "b", "c"), List.copyOf(log));
    }
  }

  @Test
  void maxPendingCallsSlot_isFreeBeforeTheResultIsVisible() throws Exception {
    int window = 8;
    int calls = 2_000;
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      ActorHandle<Steps> actor = ray.actor(Steps::new, new ConcurrentLinkedQueue<String>()).maxPendingCalls(window)
          .remote();
      AtomicInteger submitted = new AtomicInteger();
      AtomicReference<Throwable> refused = new AtomicReference<>();
      CountDownLatch allDone = new CountDownLatch(calls);
      // Each result's callback, run by whoever completes the result, submits one more call as the
      // driver: the driver keeps `window` calls pending, so its slot must be free by then.
      Runnable[] submitOne = new Runnable[1];
      submitOne[0] = () -> {
        if (submitted.incrementAndGet() > calls) {
          return;
        }
        try {
          actor.task(Steps::step, "s").remote().toCompletableFuture().whenComplete((v, t) -> {
            allDone.countDown();
            submitOne[0].run();
          });
        } catch (RuntimeException e) {
          refused.compareAndSet(null, e);
          allDone.countDown();
        }
      };
      for (int i = 0; i < window; i++) {
        submitOne[0].run();
      }

      assertTrue(allDone.await(GUARD.toSeconds(), TimeUnit.SECONDS), "every call completed");
      assertNull(refused.get(), "a call submitted when an earlier result became visible was refused");
    }
  }

  @Test
  void cancelOfARunningCall_freesItsMaxPendingCallsSlot_whenItsResultFails() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      ActorHandle<Steps> actor = ray.actor(Steps::new, log).maxPendingCalls(1).remote();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<String> running = actor.task(Steps::gate, "x", entered, release).remote();
      assertTrue(entered.await(GUARD.toSeconds(), TimeUnit.SECONDS), "x started");

      assertTrue(ray.cancel(running, false));
      assertThrows(TaskCancelledException.class, () -> running.get(GUARD));
      ObjectRef<String> next = actor.task(Steps::step, "next").remote();  // refused if x kept its slot
      release.countDown();

      assertEquals("next", next.get(GUARD));
    }
  }

  /* ---------------- Stress ---------------- */

  private static final int CALLERS = 4;
  private static final int CALLS_PER_CALLER = 3_000;
  private static final int WINDOW = 16;
  private static final int CANCEL_EVERY = 7;

  /**
   * Counts each call's runs, across incarnations, and checks per incarnation that each caller's
   * calls arrive in the order they were submitted. Incarnation {@code i} counts down
   * {@code incarnationRan[i]}, if there is one, at its 200th call.
   */
  static final class Ledger {
    private final ConcurrentHashMap<Integer, AtomicInteger> runs;
    private final AtomicInteger outOfOrder;
    private final CountDownLatch[] incarnationRan;
    private final int incarnation;
    private final int[] last = new int[CALLERS];
    private int ran;

    Ledger(ConcurrentHashMap<Integer, AtomicInteger> runs, AtomicInteger outOfOrder, AtomicInteger built,
        CountDownLatch[] incarnationRan) {
      this.runs = runs;
      this.outOfOrder = outOfOrder;
      this.incarnationRan = incarnationRan;
      this.incarnation = built.getAndIncrement();
    }

    int record(int caller, int seq) {
      runs.computeIfAbsent(caller * CALLS_PER_CALLER + seq, k -> new AtomicInteger()).incrementAndGet();
      if (seq <= last[caller]) {
        outOfOrder.incrementAndGet();
      }
      last[caller] = seq;
      if (++ran == 200 && incarnation < incarnationRan.length) {
        incarnationRan[incarnation].countDown();
      }
      return seq;
    }
  }

  /**
   * A caller task: submits its calls keeping {@link #WINDOW} pending (the actor's maxPendingCalls),
   * cancels every {@link #CANCEL_EVERY}th at once, and checks each outcome. Returns, per call
   * (index seq - 1): 1 if it returned its value, 0 if it was cancelled.
   */
  static int[] callMany(ActorHandle<Ledger> actor, int caller) {
    Raylite ray = Raylite.context().runtime();
    int[] outcomes = new int[CALLS_PER_CALLER];
    ArrayDeque<ObjectRef<Integer>> pending = new ArrayDeque<>();
    ArrayDeque<Boolean> cancelled = new ArrayDeque<>();
    ArrayDeque<Integer> seqs = new ArrayDeque<>();
    for (int seq = 1; seq <= CALLS_PER_CALLER || !pending.isEmpty(); seq++) {
      while (pending.size() >= WINDOW || seq > CALLS_PER_CALLER && !pending.isEmpty()) {
        ObjectRef<Integer> oldest = pending.poll();
        boolean wasCancelled = cancelled.poll();
        int oldSeq = seqs.poll();
        if (wasCancelled) {
          assertThrows(TaskCancelledException.class, () -> oldest.get(GUARD));
        } else {
          assertEquals(oldSeq, oldest.get(GUARD));
          outcomes[oldSeq - 1] = 1;
        }
      }
      if (seq > CALLS_PER_CALLER) {
        break;
      }
      ObjectRef<Integer> ref = actor.task(Ledger::record, caller, seq).remote();
      pending.add(ref);
      seqs.add(seq);
      cancelled.add(seq % CANCEL_EVERY == 0 && ray.cancel(ref, false));
    }
    return outcomes;
  }

  private static List<int[]> runCallers(Raylite ray, ActorHandle<Ledger> actor) {
    List<ObjectRef<int[]>> callers = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      callers.add(ray.task(ActorBatchTest::callMany, actor, c).remote());
    }
    List<int[]> outcomes = new ArrayList<>();
    for (ObjectRef<int[]> caller : callers) {
      outcomes.add(caller.get(Duration.ofSeconds(150)));
    }
    return outcomes;
  }

  @Test
  void manyCallersWithCancelsAndMaxPendingCalls_eachCallRunsExactlyOnceUnlessCancelled_inEachCallersOrder() {
    try (Raylite ray = Raylite.builder().cpus(CALLERS + 1).dashboard(false).build()) {
      ConcurrentHashMap<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
      AtomicInteger outOfOrder = new AtomicInteger();
      ActorHandle<Ledger> actor = ray.actor(Ledger::new, runs, outOfOrder, new AtomicInteger(), new CountDownLatch[0])
          .maxPendingCalls(WINDOW).remote();

      List<int[]> outcomes = runCallers(ray, actor);

      int returned = 0;
      for (int c = 0; c < CALLERS; c++) {
        for (int seq = 1; seq <= CALLS_PER_CALLER; seq++) {
          AtomicInteger count = runs.get(c * CALLS_PER_CALLER + seq);
          int ran = count == null ? 0 : count.get();
          if (outcomes.get(c)[seq - 1] == 1) {
            returned++;
            assertEquals(1, ran, "runs of call " + seq + " of caller " + c + ", which returned its value");
          } else {
            assertTrue(ran <= 1, "runs of call " + seq + " of caller " + c + ", which was cancelled: " + ran);
          }
        }
      }
      assertTrue(returned >= CALLERS * (CALLS_PER_CALLER - CALLS_PER_CALLER / CANCEL_EVERY), "returned " + returned);
      assertEquals(0, outOfOrder.get(), "calls run out of their caller's order");
    }
  }

  @Test
  void manyCallersWhileTheActorIsKilledAndRestarted_everyCallCompletes_inEachCallersOrder() throws Exception {
    int kills = 5;
    try (Raylite ray = Raylite.builder().cpus(CALLERS + 1).dashboard(false).build()) {
      ConcurrentHashMap<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
      AtomicInteger outOfOrder = new AtomicInteger();
      AtomicInteger built = new AtomicInteger();
      CountDownLatch[] incarnationRan = new CountDownLatch[kills];
      for (int i = 0; i < kills; i++) {
        incarnationRan[i] = new CountDownLatch(1);
      }
      ActorHandle<Ledger> actor = ray.actor(Ledger::new, runs, outOfOrder, built, incarnationRan)
          .maxPendingCalls(WINDOW).maxRestarts(-1).maxTaskRetries(-1).remote();
      AtomicReference<Throwable> killerFailure = new AtomicReference<>();
      Thread killer = Thread.ofPlatform().start(() -> {
        try {
          for (CountDownLatch ran : incarnationRan) {
            if (!ran.await(GUARD.toSeconds(), TimeUnit.SECONDS)) {
              throw new AssertionError("an incarnation never ran 200 calls");
            }
            ray.kill(actor, false);  // while that incarnation is alive, in the middle of its calls
          }
        } catch (Throwable t) {
          killerFailure.set(t);
        }
      });

      List<int[]> outcomes = runCallers(ray, actor);
      killer.join();

      assertNull(killerFailure.get(), "the killer");
      for (int c = 0; c < CALLERS; c++) {
        for (int seq = 1; seq <= CALLS_PER_CALLER; seq++) {
          if (outcomes.get(c)[seq - 1] == 1) {
            AtomicInteger count = runs.get(c * CALLS_PER_CALLER + seq);
            assertTrue(count != null && count.get() >= 1, "call " + seq + " of caller " + c + " returned without running");
          }
        }
      }
      assertEquals(0, outOfOrder.get(), "calls run out of their caller's order within an incarnation");
      assertEquals(kills + 1, built.get(), "incarnations: one per kill, plus the first");
    }
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
