package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RuntimeContext.onEnd and RuntimeContext.await, for libraries that hold native resources. */
@Timeout(120)
class EndActionsAndAwaitTest {

  static String registerTwo(List<String> log) {
    Raylite.context().onEnd(() -> log.add("first registered"));
    Raylite.context().onEnd(() -> log.add("second registered"));
    log.add("returned");
    return "value";
  }

  @Test
  void taskCleanups_runAfterTheFunctionLastFirst_beforeGetSeesTheResult() {
    List<String> log = new CopyOnWriteArrayList<>();
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      assertEquals("value", ray.get(ray.task(EndActionsAndAwaitTest::registerTwo, log).remote()));
      assertEquals(List.of("returned", "second registered", "first registered"), log);
    }
  }

  static int failAfterRegistering(List<String> log) {
    Raylite.context().onEnd(() -> {
      throw new IllegalStateException("cleanup fails too");
    });
    Raylite.context().onEnd(() -> log.add("cleaned"));
    throw new ArithmeticException("the task's own failure");
  }

  @Test
  void failingTask_runsEveryCleanup_andGetThrowsTheTasksOwnException() {
    List<String> log = new CopyOnWriteArrayList<>();
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ObjectRef<Integer> ref = ray.task(EndActionsAndAwaitTest::failAfterRegistering, log)
          .maxRetries(0).remote();
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(ref));
      assertInstanceOf(ArithmeticException.class, e.getCause());
      assertEquals(List.of("cleaned"), log);
    }
  }

  static final class Holder {
    private final List<String> log;

    Holder(List<String> log) {
      this.log = log;
      Raylite.context().onEnd(() -> log.add("constructor's cleanup"));
    }

    int call() {
      Raylite.context().onEnd(() -> log.add("call's cleanup"));
      return log.size();
    }
  }

  @Test
  void actorCleanups_waitForTheActorsDeath_notTheEndOfEachCall() {
    List<String> log = new CopyOnWriteArrayList<>();
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Holder> actor = ray.actor(Holder::new, log).remote();
      assertEquals(0, ray.get(actor.task(Holder::call).remote()));
      assertEquals(0, ray.get(actor.task(Holder::call).remote()));
      ray.kill(actor);
      assertEquals(List.of("call's cleanup", "call's cleanup", "constructor's cleanup"), log);
    }
  }

  static String awaitFuture(CompletableFuture<String> future) {
    Raylite.context().await(future);
    return future.join();
  }

  static int complete(CompletableFuture<String> future) {
    future.complete("completed by a task that needed the waiter's CPU");
    return 1;
  }

  @Test
  void await_lendsTheTasksCpu_soATaskNeedingItCanCompleteTheFuture() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      CompletableFuture<String> future = new CompletableFuture<>();
      ObjectRef<String> waiter = ray.task(EndActionsAndAwaitTest::awaitFuture, future).remote();
      ObjectRef<Integer> completer = ray.task(EndActionsAndAwaitTest::complete, future).remote();
      // With the CPU kept by the waiter, the completer never starts and both time out.
      assertEquals(1, ray.get(completer, Duration.ofSeconds(60)));
      assertEquals("completed by a task that needed the waiter's CPU",
          ray.get(waiter, Duration.ofSeconds(60)));
    }
  }

  @Test
  void onEnd_fromAThreadNotRunningTheTask_isAnIllegalState() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      CountDownLatch done = new CountDownLatch(1);
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      ray.get(ray.task(() -> {
        RuntimeContext context = Raylite.context();
        Thread other = new Thread(() -> {
          try {
            context.onEnd(() -> { });
            thrown.complete(null);
          } catch (RuntimeException e) {
            thrown.complete(e);
          }
          done.countDown();
        });
        other.start();
        return done.await(60, TimeUnit.SECONDS);
      }).remote());
      assertInstanceOf(IllegalStateException.class, thrown.get(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void contextIfRunning_isTheTasksContextInsideAndEmptyOutside() {
    assertTrue(Raylite.contextIfRunning().isEmpty());
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      String name = ray.get(ray.task(
          () -> Raylite.contextIfRunning().orElseThrow().taskName()).name("named").remote());
      assertEquals("named", name);
    }
  }
}
