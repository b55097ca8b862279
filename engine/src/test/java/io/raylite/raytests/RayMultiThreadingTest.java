package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.PendingCallsExceededException;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/MultiThreadingTest.java} and
 * {@code BackPressureTest.java}. Ray needs {@code Ray.wrapRunnable} to call its API from a thread of
 * the user's own; Raylite's API may be called from any thread of the driver, so the wrapping
 * cases become plain threads. Ray's 1 ms sleeps between calls are left out.
 */
@Timeout(120)
class RayMultiThreadingTest {
  private static final int LOOP_COUNTER = 100;
  private static final int NUM_THREADS = 20;
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static Integer echo(int num) {
    return num;
  }

  static final class Echo {
    Integer echo(int num) {
      return num;
    }
  }

  private static void runInManyThreads(Runnable testCase, int repeats) throws Exception {
    ExecutorService service = Executors.newFixedThreadPool(NUM_THREADS);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < NUM_THREADS; i++) {
        futures.add(service.submit(() -> {
          for (int j = 0; j < repeats; j++) {
            testCase.run();
          }
          return "ok";
        }));
      }
      for (Future<String> future : futures) {
        assertEquals("ok", future.get(60, TimeUnit.SECONDS));
      }
    } finally {
      service.shutdown();
    }
  }

  static String exerciseFromManyThreads(Raylite ray) throws Exception {
    runInManyThreads(() -> {
      int arg = ThreadLocalRandom.current().nextInt();
      assertEquals(arg, ray.task(RayMultiThreadingTest::echo, arg).remote().get());
    }, LOOP_COUNTER);

    ActorHandle<Echo> echoActor = ray.actor(Echo::new).remote();
    runInManyThreads(() -> {
      int arg = ThreadLocalRandom.current().nextInt();
      assertEquals(arg, echoActor.task(Echo::echo, arg).remote().get());
    }, LOOP_COUNTER);

    runInManyThreads(() -> {
      int arg = ThreadLocalRandom.current().nextInt();
      ActorHandle<Echo> own = ray.actor(Echo::new).remote();
      assertEquals(arg, own.task(Echo::echo, arg).remote().get());
    }, 1);

    runInManyThreads(() -> {
      int arg = ThreadLocalRandom.current().nextInt();
      assertEquals(arg, ray.put(arg).get());
    }, LOOP_COUNTER);

    ObjectRef<Integer> obj = ray.task(RayMultiThreadingTest::echo, 100).remote();
    runInManyThreads(() -> assertEquals(1, ray.wait(List.of(obj), 1, Duration.ofSeconds(30)).ready().size()), 1);
    return "ok";
  }

  @Test
  void theApi_calledFromManyDriverThreadsAtOnce_givesEveryCallerItsOwnResult() throws Exception {
    assertEquals("ok", exerciseFromManyThreads(ray));
  }

  static String exerciseInTask() throws Exception {
    return exerciseFromManyThreads(Raylite.context().runtime());
  }

  @Test
  void theApi_calledFromManyThreadsStartedByATask_works() {
    assertEquals("ok", ray.task(RayMultiThreadingTest::exerciseInTask).remote().get(Duration.ofSeconds(100)));
  }

  @Test
  void aThreadStartedByATask_mayUseTheApi_butHasNoContext() throws Exception {
    assertEquals("ok", ray.task(RayMultiThreadingTest::fromOwnThread).remote().get());
  }

  static String fromOwnThread() throws Exception {
    Raylite runtime = Raylite.context().runtime();
    String[] result = new String[1];
    Thread thread = Thread.ofPlatform().start(() -> {
      assertEquals(3, runtime.task(RayMultiThreadingTest::echo, 3).remote().get());
      assertEquals(4, runtime.put(4).get());
      assertTrue(Raylite.contextIfRunning().isEmpty());
      result[0] = "ok";
    });
    thread.join();
    return result[0];
  }

  // ---------------- BackPressureTest ----------------

  static final class SignalActor {
    private final CountDownLatch signal = new CountDownLatch(1);

    String ping() {
      return "pong";
    }

    boolean waitSignal() throws InterruptedException {
      return signal.await(60, TimeUnit.SECONDS);
    }

    void sendSignal() {
      signal.countDown();
    }
  }

  static String unblock(ActorHandle<SignalActor> signal) {
    signal.task(SignalActor::sendSignal).remote().get();
    return "sent";
  }

  @Test
  void maxPendingCalls_refusesTheCallOverTheLimit_andCallsRunAgainOnceTheyDrain() {
    ActorHandle<SignalActor> signal = ray.actor(SignalActor::new).maxConcurrency(11).maxPendingCalls(10).remote();
    assertEquals("pong", signal.task(SignalActor::ping).remote().get());
    List<ObjectRef<Boolean>> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      waiting.add(signal.task(SignalActor::waitSignal).remote());
    }
    assertThrows(PendingCallsExceededException.class, () -> signal.task(SignalActor::waitSignal).remote());
    assertEquals("sent", ray.task(RayMultiThreadingTest::unblock, signal).remote().get());
    for (ObjectRef<Boolean> ref : waiting) {
      assertTrue(ref.get());
    }
    assertNotNull(signal.task(SignalActor::ping).remote().get());
  }
}
