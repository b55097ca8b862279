package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wait-for cycles that can never resolve fail their gets with DeadlockException; others wait. */
@Timeout(60)
class DeadlockTest {

  /** Calls its peer synchronously from {@link #first}; the peer calls back into {@link #second}. */
  static final class Caller {
    private ActorHandle<Caller> peer;

    void peer(ActorHandle<Caller> other) {
      peer = other;
    }

    String first() {
      return "first(" + peer.task(Caller::middle).remote().get() + ")";
    }

    String middle() {
      return "middle(" + peer.task(Caller::second).remote().get() + ")";
    }

    String second() {
      return "second";
    }
  }

  private static DeadlockException deadlockIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DeadlockException d) {
        return d;
      }
    }
    throw new AssertionError("no DeadlockException in the causes of " + failure, failure);
  }

  private static ActorHandle<Caller> pair(Raylite ray, int concurrency, String a, String b) {
    ActorHandle<Caller> first = ray.actor(Caller::new).name(a).maxConcurrency(concurrency).remote();
    ActorHandle<Caller> second = ray.actor(Caller::new).name(b).maxConcurrency(concurrency).remote();
    ray.get(first.task(Caller::peer, second).remote());
    ray.get(second.task(Caller::peer, first).remote());
    return first;
  }

  @Test
  void twoSequentialActorsCallingEachOther_failEveryGetInTheCycle() {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      ActorHandle<Caller> a = pair(ray, 1, "alice", "bob");
      ObjectRef<String> result = a.task(Caller::first).remote();
      TaskFailedException failed = assertThrows(TaskFailedException.class, () -> ray.get(result, Duration.ofSeconds(30)));
      DeadlockException deadlock = deadlockIn(failed);
      assertEquals(3, deadlock.cycle().size(), deadlock.getMessage());
      String message = deadlock.getMessage();
      assertTrue(message.contains("'alice'") && message.contains("'bob'") && message.contains("Caller.first")
          && message.contains("Caller.middle") && message.contains("Caller.second"), message);
    }
  }

  @Test
  void afterADeadlockIsBroken_theActorsServeCallsAgain() {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      ActorHandle<Caller> a = pair(ray, 1, "alice", "bob");
      ObjectRef<String> result = a.task(Caller::first).remote();
      assertThrows(TaskFailedException.class, () -> ray.get(result, Duration.ofSeconds(30)));
      assertEquals("second", ray.get(a.task(Caller::second).remote(), Duration.ofSeconds(30)));
    }
  }

  @Test
  void actorsWithASpareSlotCallingEachOther_areNotADeadlock() {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      ActorHandle<Caller> a = pair(ray, 2, "alice", "bob");
      assertEquals("first(middle(second))", ray.get(a.task(Caller::first).remote(), Duration.ofSeconds(30)));
    }
  }

  static String holdGpuAndWaitForGpuTask() {
    Raylite ray = Raylite.context().runtime();
    return "outer(" + ray.get(ray.task(() -> "inner").numCpus(0).numGpus(1).name("inner").remote()) + ")";
  }

  @Test
  void taskHoldingTheOnlyGpuWaitingForAGpuTask_failsWithDeadlock() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).dashboard(false).build()) {
      ObjectRef<String> outer = ray.task(DeadlockTest::holdGpuAndWaitForGpuTask).numGpus(1).name("outer").remote();
      TaskFailedException failed = assertThrows(TaskFailedException.class, () -> ray.get(outer, Duration.ofSeconds(30)));
      DeadlockException deadlock = deadlockIn(failed);
      assertEquals(2, deadlock.cycle().size(), deadlock.getMessage());
      assertTrue(deadlock.cycle().get(0).contains("'outer'") && deadlock.cycle().get(1).contains("'inner'"),
          deadlock.getMessage());
    }
  }

  static String holdGpuAndWaitForGpuTaskWithAnArgument(CountDownLatch blocked, CompletableFuture<Void> gate) {
    Raylite ray = Raylite.context().runtime();
    ObjectRef<String> argument = ray.task(ExplainGate::open, gate).remote();
    ObjectRef<String> inner = ray.task((String s) -> s, argument).numCpus(0).numGpus(1).name("inner").remote();
    blocked.countDown();
    return ray.get(inner);
  }

  /** A task that returns once its gate opens. */
  static final class ExplainGate {
    static String open(CompletableFuture<Void> gate) throws Exception {
      gate.get(30, TimeUnit.SECONDS);
      return "argument";
    }
  }

  @Test
  void gpuTaskQueuedAfterItsWaiterBlocked_closesTheCycleThen() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).dashboard(false).build()) {
      CountDownLatch blocked = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> outer = ray.task(DeadlockTest::holdGpuAndWaitForGpuTaskWithAnArgument, blocked, gate)
          .numGpus(1).name("outer").remote();
      assertTrue(blocked.await(30, TimeUnit.SECONDS));
      // The inner task waits for its argument: no cycle yet. Once the argument is ready it needs
      // the GPU that the outer task keeps while it waits for it.
      gate.complete(null);
      DeadlockException deadlock = deadlockIn(assertThrows(TaskFailedException.class,
          () -> ray.get(outer, Duration.ofSeconds(30))));
      assertTrue(deadlock.getMessage().contains("'inner'"), deadlock.getMessage());
    }
  }

  static final class GpuActor {
    String infer() {
      Raylite ray = Raylite.context().runtime();
      return ray.get(ray.task(() -> "kernel").numCpus(0).numGpus(1).name("kernel").remote());
    }
  }

  @Test
  void actorHoldingTheOnlyGpuWaitingForAGpuTask_failsWithDeadlock() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).dashboard(false).build()) {
      ActorHandle<GpuActor> actor = ray.actor(GpuActor::new).name("gpu-actor").numGpus(1).remote();
      DeadlockException deadlock = deadlockIn(assertThrows(TaskFailedException.class,
          () -> ray.get(actor.task(GpuActor::infer).remote(), Duration.ofSeconds(30))));
      assertEquals(2, deadlock.cycle().size(), deadlock.getMessage());
      assertTrue(deadlock.getMessage().contains("'gpu-actor'") && deadlock.getMessage().contains("'kernel'"),
          deadlock.getMessage());
    }
  }

  static String waitForGpuTask(CompletableFuture<Void> gate) {
    Raylite ray = Raylite.context().runtime();
    return "outer(" + ray.get(ray.task(() -> "inner").numCpus(0).numGpus(1).remote()) + ")";
  }

  static String holdGpuUntil(CountDownLatch started, CompletableFuture<Void> gate) throws Exception {
    started.countDown();
    gate.get(30, TimeUnit.SECONDS);
    return "hog";
  }

  @Test
  void gpuWaitThatAnotherTaskWillFree_isNotReportedAndCompletes() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(2).dashboard(false).build()) {
      CountDownLatch hogStarted = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> hog = ray.task(DeadlockTest::holdGpuUntil, hogStarted, gate).numCpus(0).numGpus(1).remote();
      assertTrue(hogStarted.await(30, TimeUnit.SECONDS));
      ObjectRef<String> outer = ray.task(DeadlockTest::waitForGpuTask, gate).numGpus(1).remote();
      // Both devices are taken and the inner task waits for one: the hog frees its device once the gate opens.
      assertThrows(GetTimeoutException.class, () -> ray.get(outer, Duration.ofMillis(200)));
      gate.complete(null);
      assertEquals("outer(inner)", ray.get(outer, Duration.ofSeconds(30)));
      assertEquals("hog", ray.get(hog));
    }
  }

  /** Its {@link #slow} call waits for a latch: calls queued behind it wait long, legitimately. */
  static final class Gatekeeper {
    String slow(CompletableFuture<Void> gate) throws Exception {
      gate.get(30, TimeUnit.SECONDS);
      return "opened";
    }

    String fast() {
      return "fast";
    }
  }

  static String callBoth(ActorHandle<Gatekeeper> keeper, CompletableFuture<Void> gate) {
    ObjectRef<String> slow = keeper.task(Gatekeeper::slow, gate).remote();
    ObjectRef<String> fast = keeper.task(Gatekeeper::fast).remote();
    return fast.get() + "+" + slow.get();
  }

  @Test
  void chainWaitingOnALatch_isNotReportedAndResolvesWhenItOpens() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      ActorHandle<Gatekeeper> keeper = ray.actor(Gatekeeper::new).maxConcurrency(1).remote();
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> outer = ray.task(DeadlockTest::callBoth, keeper, gate).remote();
      ObjectRef<String> nested = ray.task((ObjectRef<String> o) -> ray.get(o) + "!", outer).remote();
      assertThrows(GetTimeoutException.class, () -> ray.get(nested, Duration.ofMillis(200)));
      gate.complete(null);
      assertEquals("fast+opened!", ray.get(nested, Duration.ofSeconds(30)));
    }
  }

  static final class Looper {
    private ActorHandle<Looper> self;

    void self(ActorHandle<Looper> handle) {
      self = handle;
    }

    /** Waits for a task whose argument is a later call of this same sequential actor. */
    String viaArgument() {
      Raylite ray = Raylite.context().runtime();
      ObjectRef<String> later = self.task(Looper::answer).remote();
      return ray.get(ray.task((String s) -> s + "!", later).name("consumer").remote());
    }

    String answer() {
      return "answer";
    }
  }

  @Test
  void cycleThroughATasksPendingArgument_failsWithDeadlock() {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).build()) {
      ActorHandle<Looper> looper = ray.actor(Looper::new).name("looper").maxConcurrency(1).remote();
      ray.get(looper.task(Looper::self, looper).remote());
      ObjectRef<String> result = looper.task(Looper::viaArgument).remote();
      DeadlockException deadlock = deadlockIn(assertThrows(TaskFailedException.class,
          () -> ray.get(result, Duration.ofSeconds(30))));
      assertEquals(List.of(3), List.of(deadlock.cycle().size()), deadlock.getMessage());
      assertTrue(deadlock.getMessage().contains("'consumer'"), deadlock.getMessage());
    }
  }

  @Test
  void getWithATimeoutInACycle_timesOutInsteadOfDeadlocking() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).dashboard(false).build()) {
      ObjectRef<String> outer = ray.task(() -> {
        Raylite r = Raylite.context().runtime();
        return r.get(r.task(() -> "inner").numCpus(0).numGpus(1).remote(), Duration.ofMillis(100));
      }).numGpus(1).remote();
      TaskFailedException failed = assertThrows(TaskFailedException.class, () -> ray.get(outer, Duration.ofSeconds(30)));
      assertInstanceOf(GetTimeoutException.class, failed.getCause());
    }
  }
}
