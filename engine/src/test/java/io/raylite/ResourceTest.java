package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceTest {

  static List<Integer> gpuIdsAfter(CountDownLatch started, CompletableFuture<Void> release) throws Exception {
    List<Integer> ids = Raylite.context().gpuIds();
    started.countDown();
    release.get(10, TimeUnit.SECONDS);
    return ids;
  }

  @Test
  void fractionalGpusPackOntoOneDeviceBeforeTheNext() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(4).gpus(2).build()) {
      CountDownLatch started = new CountDownLatch(4);
      CompletableFuture<Void> release = new CompletableFuture<>();
      List<ObjectRef<List<Integer>>> refs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        refs.add(ray.task(ResourceTest::gpuIdsAfter, started, release).numCpus(0).numGpus(0.5).remote());
      }
      try {
        assertTrue(started.await(10, TimeUnit.SECONDS), "four half-GPU tasks run at once on two GPUs");
        assertEquals(0.0, ray.availableResources().get(Resources.GPU));
      } finally {
        release.complete(null);
      }
      List<List<Integer>> ids = ray.get(refs);
      assertEquals(List.of(List.of(0), List.of(0), List.of(1), List.of(1)), ids);
      assertEquals(2.0, ray.availableResources().get(Resources.GPU));
    }
  }

  @Test
  void wholeGpuWaitsForAFullyFreeDevice() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(4).gpus(2).build()) {
      CountDownLatch started = new CountDownLatch(2);
      CompletableFuture<Void> release = new CompletableFuture<>();
      // 0.5 on device 0 and 0.5 on device 0 again: device 1 stays whole.
      ObjectRef<List<Integer>> a = ray.task(ResourceTest::gpuIdsAfter, started, release).numCpus(0).numGpus(0.5).remote();
      ObjectRef<List<Integer>> b = ray.task(ResourceTest::gpuIdsAfter, started, release).numCpus(0).numGpus(0.5).remote();
      assertTrue(started.await(10, TimeUnit.SECONDS));
      ObjectRef<List<Integer>> whole = ray.task(() -> Raylite.context().gpuIds()).numGpus(1).remote();
      assertEquals(List.of(1), ray.get(whole, Duration.ofSeconds(10)));
      ObjectRef<List<Integer>> both = ray.task(() -> Raylite.context().gpuIds()).numGpus(2).remote();
      assertFalse(both.isReady());
      release.complete(null);
      assertEquals(List.of(0, 1), ray.get(both, Duration.ofSeconds(10)));
      assertEquals(List.of(0), ray.get(a));
      assertEquals(List.of(0), ray.get(b));
    }
  }

  @Test
  void queuedGpuTasksDoNotStallCpuTasks() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).build()) {
      CountDownLatch gpuRunning = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      List<ObjectRef<List<Integer>>> gpuTasks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        gpuTasks.add(ray.task(ResourceTest::gpuIdsAfter, gpuRunning, release).numCpus(0).numGpus(1).remote());
      }
      assertTrue(gpuRunning.await(10, TimeUnit.SECONDS));
      // 19 GPU tasks wait for the one device; CPU tasks submitted after them still run now.
      List<ObjectRef<Integer>> cpuTasks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        cpuTasks.add(ray.task(() -> 1).remote());
      }
      assertEquals(100, ray.get(cpuTasks, Duration.ofSeconds(10)).size());
      assertFalse(gpuTasks.get(19).isReady());
      release.complete(null);
      assertEquals(20, ray.get(gpuTasks).size());
    }
  }

  @Test
  void tasksOfOneShapeStartInSubmissionOrder() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
      List<ObjectRef<Boolean>> refs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        refs.add(ray.task(() -> order.add(n)).remote());
      }
      ray.get(refs);
      for (int i = 0; i < 200; i++) {
        assertEquals(i, order.get(i));
      }
    }
  }

  @Test
  void cpuCapacityLimitsConcurrency() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        refs.add(ray.task(() -> {
          int now = running.incrementAndGet();
          peak.accumulateAndGet(now, Math::max);
          Thread.onSpinWait();
          running.decrementAndGet();
          return now;
        }).numCpus(2).remote());
      }
      ray.get(refs);
      assertTrue(peak.get() <= 2, "2-CPU tasks on 4 CPUs: at most 2 at once, saw " + peak.get());
    }
  }

  @Test
  void moreGpusThanExistIsInfeasibleAtOnce() {
    try (Raylite ray = Raylite.builder().cpus(1).gpus(2).build()) {
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.task(() -> 1).numGpus(3).name("greedy").remote());
      assertTrue(e.getMessage().contains("GPU: 3.0"), e.getMessage());
      assertTrue(e.getMessage().contains("GPU: 2.0 in total"), e.getMessage());
      assertTrue(e.getMessage().contains("greedy"), e.getMessage());
    }
  }

  @Test
  void gpuRequestWithoutGpusNamesHowToGetOne() {
    try (Raylite ray = Raylite.builder().cpus(1).gpus(0).build()) {
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.task(() -> 1).numGpus(0.5).remote());
      assertTrue(e.getMessage().contains("GPU: 0.0 in total"), e.getMessage());
      assertTrue(e.getMessage().contains("gpus(n)"), e.getMessage());
    }
  }

  @Test
  void unknownCustomResourceIsInfeasible() {
    try (Raylite ray = Raylite.builder().cpus(1).resource("disk", 1).build()) {
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.task(() -> 1).resource("tpu", 1).remote());
      assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
      InfeasibleResourceException tooMuch = assertThrows(InfeasibleResourceException.class,
          () -> ray.task(() -> 1).resource("disk", 1.5).remote());
      assertTrue(tooMuch.getMessage().contains("disk: 1.5"), tooMuch.getMessage());
      assertEquals(1, ray.get(ray.task(() -> 1).resource("disk", 1).remote()));
    }
  }

  @Test
  void moreCpusThanTheRuntimeHasIsInfeasible() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.task(() -> 1).numCpus(3).remote());
      assertTrue(e.getMessage().contains("CPU: 3.0"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.00001})
  void badAmountsFailAtTheOptionsCall(double amount) {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      TaskCall<Integer> call = ray.task(() -> 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.numCpus(amount));
      assertTrue(e.getMessage().contains("'CPU'"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> call.resource("disk", amount));
      assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().numGpus(amount));
    }
  }

  @Test
  void fractionalGpuAboveOneIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TaskOptions.builder().numGpus(1.5));
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    assertEquals(2.0, TaskOptions.builder().numGpus(2).build().resources().get(Resources.GPU));
  }

  @Test
  void badBuilderArgumentsFailWithTheirName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Raylite.builder().cpus(0))
        .getMessage().contains("cpus"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Raylite.builder().gpus(-1))
        .getMessage().contains("gpus"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Raylite.builder().resource("GPU", 1))
        .getMessage().contains("built in"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().maxRetries(-2))
        .getMessage().contains("maxRetries"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().name(" "))
        .getMessage().contains("name"));
  }

  @Test
  void defaultsComeFromTheMachine() {
    try (Raylite ray = Raylite.builder().discoverGpus(false).build()) {
      assertEquals((double) Runtime.getRuntime().availableProcessors(), ray.totalResources().get(Resources.CPU));
      assertEquals(0.0, ray.totalResources().get(Resources.GPU));
      assertEquals((double) Runtime.getRuntime().maxMemory(), ray.totalResources().get(Resources.MEMORY));
    }
  }

  @Test
  void tenthsOfACpuNeverDrift() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        refs.add(ray.task(() -> 1).numCpus(0.1).remote());
      }
      ray.get(refs);
      assertEquals(1.0, ray.availableResources().get(Resources.CPU));
    }
  }
}
