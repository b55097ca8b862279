package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cases from Ray's own Java tests, where Raylite behaves as Ray does. */
class RaySemanticsTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  @Test
  void waitOnAnEmptyList_returnsTwoEmptyLists() {
    WaitResult<Integer> result = ray.wait(List.of());
    assertEquals(List.of(), result.ready());
    assertEquals(List.of(), result.unready());
  }

  static final class Gate {
    int block(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
      entered.countDown();
      release.await();
      return 0;
    }

    int one() {
      return 1;
    }
  }

  @Test
  void maxPendingCalls_isCountedPerCaller_soATaskMaySubmitWhileTheDriverIsAtItsLimit() throws Exception {
    ActorHandle<Gate> gate = ray.actor(Gate::new).maxPendingCalls(1).remote();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<Integer> blocked = gate.task(Gate::block, entered, release).remote();
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    assertThrows(PendingCallsExceededException.class, () -> gate.task(Gate::one).remote());
    // A task is another caller, with a count of its own: its call is accepted and queued.
    ObjectRef<ObjectRef<Integer>> fromTask = ray.task(() -> gate.task(Gate::one).remote()).remote();
    ObjectRef<Integer> queued = ray.get(fromTask, Duration.ofSeconds(30));
    release.countDown();
    assertEquals(0, ray.get(blocked));
    assertEquals(1, ray.get(queued, Duration.ofSeconds(30)));
  }

  @Test
  void maxPendingCalls_refusesATaskOverItsOwnLimit_namingTheTask() {
    ActorHandle<Gate> gate = ray.actor(Gate::new).maxPendingCalls(1).remote();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectRef<String> refused = ray.task(() -> {
      ObjectRef<Integer> first = gate.task(Gate::block, entered, release).remote();
      try {
        gate.task(Gate::one).remote();
        return "accepted";
      } catch (PendingCallsExceededException e) {
        return e.getMessage();
      } finally {
        release.countDown();
        Raylite.current().get(first);
      }
    }).name("submitter").remote();
    String message = ray.get(refused, Duration.ofSeconds(30));
    assertTrue(message.contains("task 'submitter'"), message);
  }

  @Test
  void fractionalCpusAboveOne_areAccepted() {
    Raylite big = Raylite.builder().cpus(4).build();
    try (big) {
      assertEquals(3.5, big.get(big.task(() -> Raylite.context().resources().get(Resources.CPU))
          .numCpus(3.5).remote()));
    }
  }

  @Test
  void fractionalGpusAboveOne_areRefused_namingTheAmount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ray.task(() -> 0).numGpus(1.5));
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
  }
}
