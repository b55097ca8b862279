package io.raylite.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.InfeasibleResourceException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.Resources;
import io.raylite.TaskFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** GPU work as ordinary Raylite tasks, with the provider found on the class path. */
class GpuTasksTest {
  private static final String SQUARE = "kernel void square(global int* x) {"
      + " int i = get_global_id(0); x[i] = x[i] * x[i]; }";

  /** What a task saw while it held its share of the device. */
  record Share(List<Integer> gpuIds, long queue, long queuesAliveTogether, int[] squared) {}

  static Share shareDevice(CyclicBarrier rendezvous) throws Exception {
    try (GpuContext gpu = GpuContext.open();
         GpuBuffer<int[]> x = gpu.upload(new int[] {1, 2, 3})) {
      // Both tasks hold an open context between the two rendezvous; neither passes the first
      // until the other has opened its own, which only happens if they run at the same time.
      rendezvous.await(30, TimeUnit.SECONDS);
      long alive = GpuStats.live().queues();
      rendezvous.await(30, TimeUnit.SECONDS);
      gpu.program(SQUARE, "").kernel("square").arg(0, x).run(3);
      return new Share(Raylite.context().gpuIds(), gpu.clQueue().getNativePointer(), alive,
          x.read());
    }
  }

  @Test
  void runtime_seesTheOfferedDevicesAsGpuCapacity() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      assertEquals((double) OpenClDevices.system().offered().size(),
          ray.totalResources().get(Resources.GPU));
      assertTrue(OpenClDevices.system().offered().size() >= 1);
    }
  }

  @Test
  void twoHalfGpuTasks_runTogetherOnOneDeviceWithTheirOwnQueues() {
    // One GPU declared, so both halves must land on device 0 even on a multi-GPU machine.
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).build()) {
      CyclicBarrier rendezvous = new CyclicBarrier(2);
      ObjectRef<Share> a = ray.task(GpuTasksTest::shareDevice, rendezvous).numGpus(0.5).remote();
      ObjectRef<Share> b = ray.task(GpuTasksTest::shareDevice, rendezvous).numGpus(0.5).remote();
      Share sa = ray.get(a);
      Share sb = ray.get(b);
      assertEquals(List.of(0), sa.gpuIds());
      assertEquals(List.of(0), sb.gpuIds());
      assertNotEquals(sa.queue(), sb.queue());
      assertTrue(sa.queuesAliveTogether() >= 2, "queues alive: " + sa.queuesAliveTogether());
      assertArrayEquals(new int[] {1, 4, 9}, sa.squared());
      assertArrayEquals(new int[] {1, 4, 9}, sb.squared());
    }
    assertTrue(GpuStats.live().noTaskObjects(), GpuStats.live().toString());
  }

  static List<String> openEveryAssignedDevice(OpenClDevices devices) {
    List<GpuContext> contexts = GpuContext.openAll(devices);
    try {
      return contexts.stream().map(c -> c.device().gpuId() + ":" + c.device().name()).toList();
    } finally {
      contexts.forEach(GpuContext::close);
    }
  }

  @Test
  void configuredProvider_mapsTheTasksGpuIdsThroughItsOwnDevices() {
    OpenClGpuProvider provider = new OpenClGpuProvider(GpuConfig.builder().maxDevices(1).build());
    OpenClDevice only = provider.devices().gpu(0);
    try (Raylite ray = Raylite.builder().cpus(1).gpuProvider(provider).build()) {
      assertEquals(1.0, ray.totalResources().get(Resources.GPU));
      List<String> opened = ray.get(ray.task(GpuTasksTest::openEveryAssignedDevice,
          provider.devices()).numGpus(1).remote());
      assertEquals(List.of("0:" + only.name()), opened);
    }
    assertEquals(0, GpuStats.openContexts());
  }

  static int squareSum(int seed, int mode) {
    GpuContext gpu = GpuContext.open();
    try {
      int[] values = {seed, seed + 1, seed + 2, seed + 3};
      GpuBuffer<int[]> x = gpu.upload(values);
      GpuKernel kernel = gpu.program(SQUARE, "").kernel("square").arg(0, x);
      kernel.run(values.length);
      int[] squared = x.read();
      if (mode == 1) {
        throw new IllegalStateException("failing on purpose with buffer and kernel open");
      }
      if (mode == 0) {
        // The careful path: close in reverse order; mode 2 leaves both to the context.
        kernel.close();
        x.close();
      }
      int sum = 0;
      for (int s : squared) {
        sum += s;
      }
      return sum;
    } finally {
      gpu.close();
    }
  }

  @Test
  void thousandGpuTasks_leaveNoQueueBufferKernelOrEventBehind() {
    int tasks = 1_000;
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ray.get(ray.task(GpuTasksTest::squareSum, 0, 0).numGpus(0.5).remote());
      GpuStats.Live warm = GpuStats.live();
      long builds = GpuStats.programBuilds();
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        refs.add(ray.task(GpuTasksTest::squareSum, i, i % 3).numGpus(0.5).remote());
      }
      for (int i = 0; i < tasks; i++) {
        if (i % 3 == 1) {
          int at = i;
          TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(refs.get(at)));
          assertInstanceOf(IllegalStateException.class, e.getCause());
        } else {
          int expected = 0;
          for (int k = 0; k < 4; k++) {
            expected += (i + k) * (i + k);
          }
          assertEquals(expected, ray.get(refs.get(i)), "task " + i);
        }
      }
      GpuStats.Live after = GpuStats.live();
      assertTrue(after.noTaskObjects(), after.toString());
      assertEquals(warm.contexts(), after.contexts(), "one shared context per device");
      assertEquals(warm.programs(), after.programs(), "no program built or leaked per task");
      assertEquals(builds, GpuStats.programBuilds());
      assertEquals(0, GpuStats.openContexts());
    }
  }

  static String openWithoutGpu() {
    try (GpuContext gpu = GpuContext.open()) {
      return gpu.toString();
    }
  }

  @Test
  void openingAContext_inATaskWithoutGpus_failsSayingHowToAskForOne() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      TaskFailedException e = assertThrows(TaskFailedException.class,
          () -> ray.get(ray.task(GpuTasksTest::openWithoutGpu).remote()));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("numGpus"), e.getCause().getMessage());
    }
    assertThrows(IllegalStateException.class, GpuContext::open, "outside any task");
  }

  static int cpuWork(int x) {
    return x * 2;
  }

  @Test
  void providerThatFindsNothing_makesGpuRequestsInfeasibleWithTheDriverHint_cpuWorkStillRuns() {
    OpenClGpuProvider nothing =
        new OpenClGpuProvider(GpuConfig.builder().platform("no such platform").build());
    assertTrue(nothing.discover().isEmpty());
    try (Raylite ray = Raylite.builder().cpus(2).gpuProvider(nothing).build()) {
      assertEquals(0.0, ray.totalResources().getOrDefault(Resources.GPU, 0.0));
      for (double share : new double[] {0.5, 1}) {
        InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
            () -> ray.task(GpuTasksTest::cpuWork, 1).numGpus(share).remote());
        assertTrue(e.getMessage().contains("pocl-opencl-icd"), e.getMessage());
      }
      assertEquals(42, ray.get(ray.task(GpuTasksTest::cpuWork, 21).remote()));
    }
  }

  @Test
  void providerWithCpuFallbackOff_onACpuOnlyMachine_explainsTheSwitch() {
    OpenClGpuProvider noFallback =
        new OpenClGpuProvider(GpuConfig.builder().cpuFallback(false).build());
    boolean cpuOnly = noFallback.devices().found().stream().noneMatch(d -> d.kind().isAccelerator());
    try (Raylite ray = Raylite.builder().cpus(1).gpuProvider(noFallback).build()) {
      if (cpuOnly) {
        InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
            () -> ray.task(GpuTasksTest::cpuWork, 1).numGpus(1).remote());
        assertTrue(e.getMessage().contains(GpuConfig.CPU_FALLBACK), e.getMessage());
      } else {
        assertEquals(1, ray.get(ray.task(GpuTasksTest::cpuWork, 1).numGpus(1).remote()) / 2);
      }
    }
  }
}
