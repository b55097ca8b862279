package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Thousands of tasks with random resource shapes and nesting. Each task counts the resources it
 * holds while running (and stops counting its CPUs while it blocks in get, when it lends them), so
 * the test sees the true allocation independently of the ledger; it must never exceed capacity,
 * and every task must run exactly once.
 */
class StressTest {
  static final double CPUS = 3;
  static final int GPUS = 2;
  static final double DISK = 2;

  final AtomicLong cpuInUse = new AtomicLong();   // in 1/10000 units
  final AtomicLong gpuInUse = new AtomicLong();
  final AtomicLong diskInUse = new AtomicLong();
  final Map<Integer, AtomicLong> perDevice = new ConcurrentHashMap<>();
  final AtomicReference<String> violation = new AtomicReference<>();
  final AtomicInteger nextId = new AtomicInteger();
  final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();

  record Shape(double cpu, double gpu, double disk) {}

  static final Shape[] SHAPES = {
      new Shape(1, 0, 0), new Shape(0.5, 0, 0), new Shape(2, 0, 0), new Shape(0.3, 0.5, 0),
      new Shape(1, 1, 0), new Shape(0, 0.25, 0), new Shape(1, 0, 1), new Shape(0.1, 0, 0.5),
      new Shape(0, 0, 0), new Shape(1, 2, 0)};

  private void add(Shape s, List<Integer> gpuIds, int sign) {
    check(cpuInUse.addAndGet(sign * units(s.cpu)), CPUS, "CPU");
    check(gpuInUse.addAndGet(sign * units(s.gpu)), GPUS, "GPU");
    check(diskInUse.addAndGet(sign * units(s.disk)), DISK, "disk");
    long perId = s.gpu >= 1 ? units(1) : units(s.gpu);
    for (int id : gpuIds) {
      check(perDevice.computeIfAbsent(id, k -> new AtomicLong()).addAndGet(sign * perId), 1, "GPU " + id);
    }
  }

  private static long units(double amount) {
    return Math.round(amount * 10_000);
  }

  private void check(long inUse, double capacity, String what) {
    if (inUse > units(capacity) || inUse < 0) {
      violation.compareAndSet(null, what + " in use " + inUse / 10_000.0 + " of " + capacity);
    }
  }

  int work(long seed, int depth) {
    int id = nextId.incrementAndGet();
    runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    Raylite ray = Raylite.current();
    Random random = new Random(seed);
    Shape mine = SHAPES[(int) Math.floorMod(seed >>> 1, (long) SHAPES.length)];
    List<Integer> gpuIds = Raylite.context().gpuIds();
    add(mine, gpuIds, +1);
    // Only CPU-only tasks nest: a task blocked in get keeps its GPUs and custom resources (as in
    // Ray), so a GPU task waiting for GPU children could wait forever by construction.
    boolean cpuOnly = mine.gpu == 0 && mine.disk == 0;
    int children = depth > 0 && cpuOnly ? random.nextInt(4) : 0;
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      refs.add(submit(ray, random.nextLong() & Long.MAX_VALUE, depth - 1));
    }
    int total = 1;
    if (!refs.isEmpty()) {
      // While blocked the task lends its CPUs; stop counting them so the check stays exact.
      Shape cpuPart = new Shape(mine.cpu, 0, 0);
      add(cpuPart, List.of(), -1);
      List<Integer> values = ray.get(refs);
      add(cpuPart, List.of(), +1);
      for (int v : values) {
        total += v;
      }
    }
    add(mine, gpuIds, -1);
    return total;
  }

  ObjectRef<Integer> submit(Raylite ray, long seed, int depth) {
    Shape s = SHAPES[(int) Math.floorMod(seed >>> 1, (long) SHAPES.length)];
    TaskCall<Integer> call = ray.task(this::work, seed, depth).numCpus(s.cpu);
    if (s.gpu > 0) {
      call.numGpus(s.gpu);
    }
    if (s.disk > 0) {
      call.resource("disk", s.disk);
    }
    return call.remote();
  }

  @Test
  void randomShapesAndNestingNeverExceedCapacityAndRunEachTaskOnce() {
    try (Raylite ray = Raylite.builder().cpus(CPUS).gpus(GPUS).resource("disk", DISK).build()) {
      Random random = new Random(42);
      List<ObjectRef<Integer>> roots = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        roots.add(submit(ray, random.nextLong() & Long.MAX_VALUE, 3));
      }
      int total = ray.get(roots, Duration.ofMinutes(2)).stream().mapToInt(Integer::intValue).sum();
      assertNull(violation.get());
      assertEquals(total, nextId.get(), "every submitted task ran");
      assertEquals(total, runs.size());
      runs.forEach((id, count) -> assertEquals(1, count.get(), "task " + id + " ran once"));
      assertTrue(total > 2000, "the random graph has thousands of tasks: " + total);
      assertEquals(ray.totalResources(), ray.availableResources(), "everything was given back");
    }
  }
}
