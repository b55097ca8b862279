package io.raylite.gpu;

import static org.jocl.CL.CL_COMPLETE;
import static org.jocl.CL.clCreateUserEvent;
import static org.jocl.CL.clSetUserEventStatus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jocl.cl_event;
import org.junit.jupiter.api.Test;

/** GPU contexts tied to the life of the task or actor that opened them, and waits that lend CPUs. */
class GpuLifetimesTest {
  private static final String PLUS_ONE =
      "kernel void plus_one(global int* x) { x[get_global_id(0)] += 1; }";

  /** Opens a context and a buffer and returns without closing either. */
  static int leaveContextOpen() {
    GpuContext gpu = GpuContext.open();
    gpu.upload(new int[] {1, 2, 3});
    return GpuStats.openContexts();
  }

  @Test
  void contextLeftOpenByATask_isClosedWhenItEnds_withOneWarningPerTaskName() {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        warnings.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("io.raylite.gpu");
    logger.addHandler(capture);
    try (Raylite ray = Raylite.builder().cpus(1).gpus(1).build()) {
      for (int i = 0; i < 2; i++) {
        assertEquals(1, ray.get(ray.task(GpuLifetimesTest::leaveContextOpen).numGpus(0.5)
            .name("forgetful").remote()));
        assertEquals(0, GpuStats.openContexts());
        assertTrue(GpuStats.live().noTaskObjects(), GpuStats.live().toString());
      }
    } finally {
      logger.removeHandler(capture);
    }
    assertEquals(1, warnings.stream().filter(w -> w.contains("task 'forgetful'")).count(), warnings.toString());
    GpuContext.releaseShared();  // refused while a context is open
  }

  /** Opens a context outside any task, with a buffer, a kernel and a queued copy, and drops it. */
  private static void openAndForget() {
    GpuContext gpu = GpuContext.open(OpenClDevices.system().gpu(0));
    GpuBuffer<int[]> x = gpu.upload(new int[] {1, 2});
    gpu.program(PLUS_ONE, "").kernel("plus_one").arg(0, x);
    x.writeAsync(new int[] {3, 4});
  }

  @Test
  void contextDroppedOutsideATaskWithoutClose_isReleasedByTheCleaner() throws Exception {
    GpuStats.Live before = GpuStats.live();
    int open = GpuStats.openContexts();
    CountDownLatch cleaned = new CountDownLatch(1);
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getMessage().contains("became unreachable without close()")) {
          warnings.add(record.getMessage());
          cleaned.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("io.raylite.gpu");
    logger.addHandler(capture);
    try {
      openAndForget();
      assertEquals(open + 1, GpuStats.openContexts());
      // Each round asks for a collection and waits on the latch; the Cleaner logs after releasing.
      for (int round = 0; round < 60 && cleaned.getCount() > 0; round++) {
        System.gc();
        cleaned.await(1, TimeUnit.SECONDS);
      }
    } finally {
      logger.removeHandler(capture);
    }
    assertEquals(0, cleaned.getCount(), "the Cleaner ran");
    // The queue, the buffer, the program reference, the kernel and the event.
    assertTrue(warnings.getFirst().contains("5 OpenCL object(s)"), warnings.getFirst());
    assertEquals(open, GpuStats.openContexts());
    GpuStats.Live after = GpuStats.live();
    assertEquals(before.queues(), after.queues());
    assertEquals(before.buffers(), after.buffers());
    assertEquals(before.kernels(), after.kernels());
    assertEquals(before.events(), after.events());
  }

  /** Keeps one context and one buffer across calls. */
  static final class Incrementer {
    private final GpuContext gpu = GpuContext.open();
    private final GpuBuffer<int[]> counts = gpu.upload(new int[] {0, 10});

    int[] increment() {
      gpu.program(PLUS_ONE, "").kernel("plus_one").arg(0, counts).run(2);
      return counts.read();
    }
  }

  @Test
  void actorKeepsItsContextAcrossCalls_andItIsClosedWhenTheActorDies() {
    try (Raylite ray = Raylite.builder().cpus(1).gpus(1).build()) {
      ActorHandle<Incrementer> actor = ray.actor(Incrementer::new).numGpus(0.5).remote();
      assertArrayEquals(new int[] {1, 11}, ray.get(actor.task(Incrementer::increment).remote()));
      assertEquals(1, GpuStats.openContexts(), "kept between calls");
      assertArrayEquals(new int[] {2, 12}, ray.get(actor.task(Incrementer::increment).remote()));
      ray.kill(actor);
      assertEquals(0, GpuStats.openContexts());
      assertTrue(GpuStats.live().noTaskObjects(), GpuStats.live().toString());
    }
  }

  /** Runs plus_one once {@code gate} is set, waiting for the kernel with the task's CPU lent. */
  static int[] runAfterGate(CompletableFuture<cl_event> gate) {
    try (GpuContext gpu = GpuContext.open();
         GpuBuffer<int[]> x = gpu.upload(new int[] {41})) {
      cl_event user = clCreateUserEvent(gpu.clContext(), null);
      GpuEvent gateEvent = gpu.track(new GpuEvent(gpu, "gate", user, false));  // counts it
      GpuEvent run = gpu.program(PLUS_ONE, "").kernel("plus_one").arg(0, x)
          .enqueue(GpuRange.of(1), gateEvent);
      gate.complete(user);
      run.await();
      return x.read();
    }
  }

  static boolean openGate(CompletableFuture<cl_event> gate) throws Exception {
    clSetUserEventStatus(gate.get(60, TimeUnit.SECONDS), CL_COMPLETE);
    return true;
  }

  @Test
  void awaitingAKernelInATask_lendsItsCpu_soATaskNeedingItRuns() {
    // One CPU: the gate opener can only run while the GPU task lends its CPU.
    try (Raylite ray = Raylite.builder().cpus(1).gpus(1).build()) {
      CompletableFuture<cl_event> gate = new CompletableFuture<>();
      ObjectRef<int[]> gpuTask =
          ray.task(GpuLifetimesTest::runAfterGate, gate).numGpus(0.5).remote();
      ObjectRef<Boolean> opener = ray.task(GpuLifetimesTest::openGate, gate).remote();
      assertTrue(ray.get(opener, Duration.ofSeconds(120)));
      assertArrayEquals(new int[] {42}, ray.get(gpuTask, Duration.ofSeconds(120)));
    }
  }
}
