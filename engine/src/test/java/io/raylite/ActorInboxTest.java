package io.raylite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls submitted from several threads at once, while the actor runs, dies or restarts. While its
 * drainer runs, a call is queued without the actor's monitor (the mailbox's inbox), so these are
 * the races of that path: every call must run once or fail, in each submitter's order, and none may
 * be left waiting.
 */
@Timeout(120)
class ActorInboxTest {
  private static final int SUBMITTERS = 4;
  private static final int CALLS = 20_000;
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /**
   * Counts the calls it runs, and checks call by call that each submitter's arrive in the order they
   * were submitted (a repeat counts as out of order; a lost call shows in the count).
   */
  static final class Recorder {
    private final int[] last = new int[SUBMITTERS];
    /** Counted down when this actor, with all its incarnations, has run 1,000 calls. */
    private final CountDownLatch thousandRan;
    private final AtomicInteger ranInAll;
    private int total;
    private int outOfOrder;

    Recorder(CountDownLatch thousandRan, AtomicInteger ranInAll) {
      this.thousandRan = thousandRan;
      this.ranInAll = ranInAll;
    }

    int record(int submitter, int seq) {
      if (ranInAll.incrementAndGet() == 1_000) {
        thousandRan.countDown();
      }
      if (seq <= last[submitter]) {
        outOfOrder++;
      }
      last[submitter] = seq;
      return ++total;
    }

    int[] summary() {
      return new int[] {total, outOfOrder};
    }

    boolean restarted() {
      return Raylite.context().wasActorRestarted();
    }
  }

  /** Submits CALLS calls from each of SUBMITTERS threads; {@code pause} runs between calls. */
  private static List<List<ObjectRef<Integer>>> submitFromThreads(ActorHandle<Recorder> actor, Pause pause)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(SUBMITTERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<ObjectRef<Integer>>>> futures = new ArrayList<>();
      for (int s = 0; s < SUBMITTERS; s++) {
        int submitter = s;
        futures.add(threads.submit(() -> {
          start.await();
          List<ObjectRef<Integer>> refs = new ArrayList<>(CALLS);
          for (int seq = 1; seq <= CALLS; seq++) {
            refs.add(actor.task(Recorder::record, submitter, seq).remote());
            pause.after(submitter, seq, refs);
          }
          return refs;
        }));
      }
      start.countDown();
      List<List<ObjectRef<Integer>>> all = new ArrayList<>();
      for (Future<List<ObjectRef<Integer>>> f : futures) {
        all.add(f.get());
      }
      return all;
    } finally {
      threads.shutdownNow();
    }
  }

  interface Pause {
    void after(int submitter, int seq, List<ObjectRef<Integer>> refs) throws Exception;
  }

  @Test
  void callsFromManyThreads_eachRunOnce_inEachSubmittersOrder() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Recorder> actor = ray.actor(Recorder::new, new CountDownLatch(1), new AtomicInteger()).remote();
      // Every 97th call each submitter waits for its latest result, so the mailbox keeps running
      // dry and its drainer keeps ending and starting again while the others push.
      List<List<ObjectRef<Integer>>> refs = submitFromThreads(actor, (submitter, seq, mine) -> {
        if (seq % 97 == 0) {
          mine.get(mine.size() - 1).get(PATIENCE);
        }
      });
      for (List<ObjectRef<Integer>> mine : refs) {
        for (ObjectRef<Integer> ref : mine) {
          ref.get(PATIENCE);  // a lost call would time out here
        }
      }
      assertArrayEquals(new int[] {SUBMITTERS * CALLS, 0}, actor.task(Recorder::summary).remote().get(PATIENCE),
          "{calls run, calls out of their submitter's order}");
    }
  }

  @Test
  void callsSubmittedWhileTheActorIsKilled_eachRunOrFail_andNoneWaits() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      CountDownLatch thousandRan = new CountDownLatch(1);
      ActorHandle<Recorder> actor = ray.actor(Recorder::new, thousandRan, new AtomicInteger()).remote();
      CountDownLatch killed = new CountDownLatch(1);
      Thread killer = Thread.ofPlatform().start(() -> {
        try {
          thousandRan.await();  // kill once calls run, while the submitters push on
        } catch (InterruptedException e) {
          return;
        }
        ray.kill(actor);
        killed.countDown();
      });
      // Submitter 0 submits its second half only after the kill, so some calls surely fail; the
      // others push on through it.
      List<List<ObjectRef<Integer>>> refs = submitFromThreads(actor, (submitter, seq, mine) -> {
        if (submitter == 0 && seq == CALLS / 2) {
          killed.await();
        }
      });
      killer.join();

      int ran = 0;
      int failed = 0;
      for (List<ObjectRef<Integer>> mine : refs) {
        boolean diedSeen = false;
        for (ObjectRef<Integer> ref : mine) {
          try {
            ref.get(PATIENCE);
            assertTrue(!diedSeen, "a call ran after an earlier call of the same submitter failed");
            ran++;
          } catch (ActorDiedException expected) {
            diedSeen = true;
            failed++;
          } catch (GetTimeoutException lost) {
            fail("a call was left waiting: " + lost.getMessage());
          }
        }
      }
      assertEquals(SUBMITTERS * CALLS, ran + failed);
      assertTrue(ran > 0 && failed > 0, "ran " + ran + ", failed " + failed);
    }
  }

  /** Takes calls and says when it ran its first. */
  static final class Sink {
    private final CountDownLatch firstRan;

    Sink(CountDownLatch firstRan) {
      this.firstRan = firstRan;
    }

    int take(int n) {
      firstRan.countDown();
      return n;
    }
  }

  @Test
  void manyActorsKilledWhileCallsArePushed_noCallIsLeftWaiting() throws Exception {
    // One kill is a narrow race against the pushes; two hundred make it likely that some push
    // lands between the kill emptying the mailbox and the drainer ending.
    int actors = 200;
    int perSubmitter = 300;
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int a = 0; a < actors; a++) {
        CountDownLatch firstRan = new CountDownLatch(1);
        ActorHandle<Sink> actor = ray.actor(Sink::new, firstRan).remote();
        List<Future<List<ObjectRef<Integer>>>> pushed = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          pushed.add(threads.submit(() -> {
            List<ObjectRef<Integer>> mine = new ArrayList<>(perSubmitter);
            for (int i = 0; i < perSubmitter; i++) {
              mine.add(actor.task(Sink::take, i).remote());
            }
            return mine;
          }));
        }
        firstRan.await();
        ray.kill(actor);
        for (Future<List<ObjectRef<Integer>>> f : pushed) {
          refs.addAll(f.get());
        }
      }
      int failed = 0;
      for (ObjectRef<Integer> ref : refs) {
        try {
          ref.get(PATIENCE);
        } catch (ActorDiedException expected) {
          failed++;
        } catch (GetTimeoutException lost) {
          fail("a call was left waiting: " + lost.getMessage());
        }
      }
      assertTrue(failed > 0, "no call failed, so no kill raced the pushes");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void callsSubmittedWhileTheActorRestarts_allRun_andNoneWaits() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Recorder> actor = ray.actor(Recorder::new, new CountDownLatch(1), new AtomicInteger())
          .maxRestarts(-1).maxTaskRetries(-1).remote();
      int quarter = SUBMITTERS * CALLS / 4;
      List<CountDownLatch> quarters = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
      Thread killer = Thread.ofPlatform().start(() -> {
        for (CountDownLatch reached : quarters) {
          try {
            reached.await();  // kill three times while the submitters are in full flow
          } catch (InterruptedException e) {
            return;
          }
          ray.kill(actor, false);
        }
      });
      AtomicInteger submitted = new AtomicInteger();
      List<List<ObjectRef<Integer>>> refs = submitFromThreads(actor, (submitter, seq, mine) -> {
        int n = submitted.incrementAndGet();
        if (n % quarter == 0 && n / quarter <= quarters.size()) {
          quarters.get(n / quarter - 1).countDown();
        }
      });
      killer.join();

      for (List<ObjectRef<Integer>> mine : refs) {
        for (ObjectRef<Integer> ref : mine) {
          ref.get(PATIENCE);  // neither lost nor failed: every call is retried on the rebuilt actor
        }
      }
      assertTrue(actor.task(Recorder::restarted).remote().get(PATIENCE), "the kills restarted the actor");
      int[] summary = actor.task(Recorder::summary).remote().get(PATIENCE);
      assertTrue(summary[0] > 0 && summary[0] <= SUBMITTERS * CALLS, "the last incarnation ran " + summary[0]);
      assertEquals(0, summary[1], "calls out of their submitter's order in the last incarnation");
    }
  }
}
