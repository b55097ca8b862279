package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Async actor methods: a method returning a CompletionStage, called with taskAsync. */
@Timeout(60)
class AsyncActorTest {
  private static final Duration GUARD = Duration.ofSeconds(30);

  /** Hands each call's future to the test through {@code issued}, which completes it. */
  static final class Service {
    private final BlockingQueue<CompletableFuture<Integer>> issued;

    Service(BlockingQueue<CompletableFuture<Integer>> issued) {
      this.issued = issued;
    }

    CompletableFuture<Integer> later() {
      CompletableFuture<Integer> future = new CompletableFuture<>();
      issued.add(future);
      return future;
    }

    CompletionStage<String> now(String s) {
      return CompletableFuture.completedFuture(s);
    }

    CompletableFuture<String> nothing() {
      return null;
    }
  }

  private static Raylite runtime() {
    return Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).build();
  }

  private static CompletableFuture<Integer> next(BlockingQueue<CompletableFuture<Integer>> issued)
      throws InterruptedException {
    CompletableFuture<Integer> future = issued.poll(GUARD.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(future, "the method was not called");
    return future;
  }

  @Test
  void asyncCall_completesWithTheFuturesValue() {
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, new LinkedBlockingQueue<CompletableFuture<Integer>>()).remote();
      ObjectRef<String> ref = service.taskAsync(Service::now, "done").remote();
      assertEquals("done", ray.get(ref, GUARD));
    }
  }

  @Test
  void maxConcurrency_letsThatManyFuturesBeInFlight_completingInAnyOrder() throws Exception {
    BlockingQueue<CompletableFuture<Integer>> issued = new LinkedBlockingQueue<>();
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, issued).maxConcurrency(4).remote();
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        refs.add(service.taskAsync(Service::later).remote());
      }
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        futures.add(next(issued));  // all four methods ran while no future had completed
      }
      futures.get(3).complete(3);
      ObjectRef<Integer> firstReady = ray.wait(refs, 1, GUARD).ready().getFirst();
      assertEquals(3, ray.get(firstReady));
      for (int i = 0; i < 3; i++) {
        futures.get(i).complete(i);
      }
      assertEquals(6, ray.get(refs, GUARD).stream().mapToInt(Integer::intValue).sum());
    }
  }

  @Test
  void maxConcurrency_boundsTheFuturesInFlight() throws Exception {
    BlockingQueue<CompletableFuture<Integer>> issued = new LinkedBlockingQueue<>();
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, issued).maxConcurrency(2).remote();
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        refs.add(service.taskAsync(Service::later).remote());
      }
      CompletableFuture<Integer> first = next(issued);
      CompletableFuture<Integer> second = next(issued);
      assertNull(issued.poll(200, TimeUnit.MILLISECONDS), "a third call ran with two futures in flight");
      first.complete(1);
      next(issued).complete(3);
      second.complete(2);
      // Two drainers may call the first two methods in either order, so compare the values only.
      assertEquals(List.of(1, 2, 3), ray.get(refs, GUARD).stream().sorted().toList());
    }
  }

  @Test
  void failedFuture_failsTheCallWithItsOwnException() throws Exception {
    BlockingQueue<CompletableFuture<Integer>> issued = new LinkedBlockingQueue<>();
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, issued).remote();
      ObjectRef<Integer> ref = service.taskAsync(Service::later).remote();
      IllegalStateException cause = new IllegalStateException("backend down");
      next(issued).completeExceptionally(cause);
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(ref, GUARD));
      assertEquals(cause, e.getCause());
      assertEquals("ok", ray.get(service.taskAsync(Service::now, "ok").remote(), GUARD));  // the actor lives on
    }
  }

  @Test
  void nullInsteadOfAFuture_failsTheCallNamingTheMethod() {
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, new LinkedBlockingQueue<CompletableFuture<Integer>>()).remote();
      TaskFailedException e = assertThrows(TaskFailedException.class,
          () -> ray.get(service.taskAsync(Service::nothing).remote(), GUARD));
      assertInstanceOf(NullPointerException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("nothing"), e.getCause().getMessage());
    }
  }

  @Test
  void cancel_ofACallInFlight_cancelsItsFuture() throws Exception {
    BlockingQueue<CompletableFuture<Integer>> issued = new LinkedBlockingQueue<>();
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, issued).remote();
      ObjectRef<Integer> ref = service.taskAsync(Service::later).remote();
      CompletableFuture<Integer> future = next(issued);
      assertTrue(ray.cancel(ref, false));
      // Cancelled by cancel itself, or by the runner once the method has handed the future back.
      assertThrows(java.util.concurrent.CancellationException.class, () -> future.get(GUARD.toSeconds(), TimeUnit.SECONDS));
      assertThrows(TaskCancelledException.class, () -> ray.get(ref, GUARD));
      assertEquals("next", ray.get(service.taskAsync(Service::now, "next").remote(), GUARD));
    }
  }

  @Test
  void kill_cancelsTheFuturesInFlight_andFailsTheirCalls() throws Exception {
    BlockingQueue<CompletableFuture<Integer>> issued = new LinkedBlockingQueue<>();
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, issued).maxConcurrency(2).remote();
      ObjectRef<Integer> a = service.taskAsync(Service::later).remote();
      ObjectRef<Integer> b = service.taskAsync(Service::later).remote();
      CompletableFuture<Integer> fa = next(issued);
      CompletableFuture<Integer> fb = next(issued);
      ray.kill(service);
      assertThrows(ActorDiedException.class, () -> ray.get(a, GUARD));
      assertThrows(ActorDiedException.class, () -> ray.get(b, GUARD));
      // The runners cancel the futures as they unwind from the kill's interrupt.
      assertThrows(java.util.concurrent.CancellationException.class, () -> fa.get(GUARD.toSeconds(), TimeUnit.SECONDS));
      assertThrows(java.util.concurrent.CancellationException.class, () -> fb.get(GUARD.toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void close_cancelsTheFuturesInFlight() throws Exception {
    BlockingQueue<CompletableFuture<Integer>> issued = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> future;
    ObjectRef<Integer> ref;
    try (Raylite ray = runtime()) {
      ActorHandle<Service> service = ray.actor(Service::new, issued).remote();
      ref = service.taskAsync(Service::later).remote();
      future = next(issued);
    }
    assertTrue(future.isCancelled());  // close joins the actor threads, which cancel on their way out
    assertTrue(ref.toCompletableFuture().isCompletedExceptionally());  // ActorDiedException
  }
}
