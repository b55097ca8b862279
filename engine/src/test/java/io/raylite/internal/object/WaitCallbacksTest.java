package io.raylite.internal.object;

import static org.junit.jupiter.api.Assertions.*;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.WaitResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a wait leaves attached to the objects it waited for. */
class WaitCallbacksTest {
  @Test
  void timedWaitsForOneOnAnUnreadyRef_leaveNoCallbacksOnIt() {
    timedWaits_leaveNoCallbacks(1);
  }

  @Test
  void timedWaitsForTwoOnUnreadyRefs_leaveNoCallbacksOnThem() {
    timedWaits_leaveNoCallbacks(2);
  }

  private static void timedWaits_leaveNoCallbacks(int numReturns) {
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ObjectRef<Integer> open = ray.task(() -> gate.get(30, TimeUnit.SECONDS)).numCpus(0).remote();
      ObjectRef<Integer> other = ray.task(() -> gate.get(30, TimeUnit.SECONDS)).numCpus(0).remote();
      CompletableFuture<Void> ready = ((ObjectRefImpl<Integer>) open).entry.ready;
      int before = ready.getNumberOfDependents();
      for (int i = 0; i < 200; i++) {
        WaitResult<Integer> result = ray.wait(List.of(open, other), numReturns, Duration.ofNanos(1_000));
        assertEquals(List.of(), result.ready());
      }
      // Each wait unlinks what it registered when it times out, instead of leaving one per wait.
      assertTrue(ready.getNumberOfDependents() <= before,
          "dependents after 200 timed waits: " + ready.getNumberOfDependents() + ", before: " + before);
      gate.complete(1);
      assertEquals(List.of(open, other), ray.wait(List.of(open, other), 2, Duration.ofSeconds(10)).ready());
    }
  }
}
