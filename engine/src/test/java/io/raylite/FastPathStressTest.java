package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's lock-free path for CPU-only shapes against the lock path's invariant. Eight
 * threads submit at once tasks of random shapes, CPU-only, GPU and custom mixed; CPU-only tasks
 * submit children and get them (so many start from inside a worker, and many run inline in a
 * nested get); and the threads cancel a share of their leaf tasks right after submitting them.
 *
 * <p>Every task samples the allocation when it starts, around its nested get and when it ends, in
 * two ways: the test's own count of what running tasks hold (CPUs of a task blocked in get are not
 * counted, since it lends them), and the ledger's check. Neither may ever exceed capacity. Every
 * task that was not cancelled runs exactly once; a cancelled one at most once. At the end a task
 * that needs every resource at once runs (so nothing still holds any), and everything is free.
 */
class FastPathStressTest {
  static final double CPUS = 3;
  static final int GPUS = 2;
  static final double DISK = 2;
  static final int THREADS = 8;
  static final int ROOTS_PER_THREAD = 200;

  final AtomicLong cpuInUse = new AtomicLong();   // in 1/10000 units
  final AtomicLong gpuInUse = new AtomicLong();
  final AtomicLong diskInUse = new AtomicLong();
  final AtomicReference<String> violation = new AtomicReference<>();
  final AtomicInteger nextId = new AtomicInteger();
  final Set<Integer> submitted = ConcurrentHashMap.newKeySet();
  final Set<Integer> cancelled = ConcurrentHashMap.newKeySet();
  final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
  final AtomicInteger cancelsThatWon = new AtomicInteger();

  record Shape(double cpu, double gpu, double disk) {
    boolean cpuOnly() {
      return gpu == 0 && disk == 0;
    }
  }

  /** Mostly CPU-only shapes (the lock-free path), with GPU and custom ones (the lock path) mixed in. */
  static final Shape[] SHAPES = {
      new Shape(1, 0, 0), new Shape(1, 0, 0), new Shape(0.5, 0, 0), new Shape(2, 0, 0),
      new Shape(0.25, 0, 0), new Shape(0.3, 0.5, 0), new Shape(1, 1, 0), new Shape(0, 0.25, 0),
      new Shape(1, 0, 1), new Shape(0.1, 0, 0.5), new Shape(0, 0, 0), new Shape(1, 2, 0)};

  static Shape shapeOf(long seed) {
    return SHAPES[(int) Math.floorMod(seed >>> 1, (long) SHAPES.length)];
  }

  private static long units(double amount) {
    return Math.round(amount * 10_000);
  }

  private void add(Shape s, int sign) {
    check(cpuInUse.addAndGet(sign * units(s.cpu)), CPUS, "CPU");
    check(gpuInUse.addAndGet(sign * units(s.gpu)), GPUS, "GPU");
    check(diskInUse.addAndGet(sign * units(s.disk)), DISK, "disk");
  }

  private void check(long inUse, double capacity, String what) {
    if (inUse > units(capacity) || inUse < 0) {
      violation.compareAndSet(null, what + " in use " + inUse / 10_000.0 + " of " + capacity);
    }
  }

  private void checkLedger(Raylite ray) {
    if (!ray.runtime().resourcesWithinCapacity()) {
      violation.compareAndSet(null, "the ledger is over capacity: " + ray.availableResources());
    }
  }

  int work(int id, long seed, int depth) {
    if (runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() > 1) {
      violation.compareAndSet(null, "task " + id + " ran twice");
    }
    Raylite ray = Raylite.current();
    Shape mine = shapeOf(seed);
    add(mine, +1);
    checkLedger(ray);
    Random random = new Random(seed);
    // Only CPU-only tasks nest: a task blocked in get keeps its GPUs and custom resources.
    int children = depth > 0 && mine.cpuOnly() ? 1 + random.nextInt(3) : 0;
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      refs.add(submit(ray, nextId.incrementAndGet(), random.nextLong() & Long.MAX_VALUE, depth - 1));
    }
    int total = 1;
    if (!refs.isEmpty()) {
      Shape cpuPart = new Shape(mine.cpu, 0, 0);
      add(cpuPart, -1);
      List<Integer> values = ray.get(refs);
      add(cpuPart, +1);
      checkLedger(ray);
      for (int v : values) {
        total += v;
      }
    }
    add(mine, -1);
    return total;
  }

  ObjectRef<Integer> submit(Raylite ray, int id, long seed, int depth) {
    submitted.add(id);
    Shape s = shapeOf(seed);
    TaskCall<Integer> call = ray.task(this::work, id, seed, depth).numCpus(s.cpu);
    if (s.gpu > 0) {
      call.numGpus(s.gpu);
    }
    if (s.disk > 0) {
      call.resource("disk", s.disk);
    }
    return call.remote();
  }

  /** One submitting thread: submits its roots, cancelling some leaves, then gets them all. */
  private void submitAndGet(Raylite ray, long threadSeed, CountDownLatch start) throws InterruptedException {
    Random random = new Random(threadSeed);
    List<ObjectRef<Integer>> roots = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    start.await();
    for (int i = 0; i < ROOTS_PER_THREAD; i++) {
      int id = nextId.incrementAndGet();
      int depth = random.nextInt(4);
      ObjectRef<Integer> ref = submit(ray, id, random.nextLong() & Long.MAX_VALUE, depth);
      roots.add(ref);
      ids.add(id);
      // Only leaves, so that a cancelled task never blocks in get holding resources after the end.
      if (depth == 0 && random.nextInt(4) == 0 && ray.cancel(ref, random.nextBoolean())) {
        cancelsThatWon.incrementAndGet();
      }
    }
    for (int i = 0; i < roots.size(); i++) {
      try {
        ray.get(roots.get(i), Duration.ofMinutes(2));
      } catch (TaskCancelledException expected) {
        cancelled.add(ids.get(i));
      }
    }
  }

  @Test
  void eightSubmittersWithMixedShapesNestedGetsAndCancelsNeverExceedCapacityAndRunEachTaskOnce()
      throws Exception {
    try (Raylite ray = Raylite.builder().cpus(CPUS).gpus(GPUS).resource("disk", DISK).build();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long threadSeed = 1000L + t;
        done.add(threads.submit(() -> {
          submitAndGet(ray, threadSeed, start);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      // Runs only once every task holding resources has ended (a cancelled task may still run).
      int fence = ray.get(ray.task(() -> 0).numCpus(CPUS).numGpus(GPUS).resource("disk", DISK).remote(),
          Duration.ofMinutes(2));
      assertEquals(0, fence);

      assertNull(violation.get());
      assertTrue(cancelsThatWon.get() > 0, "some cancels won against the workers");
      for (int id : submitted) {
        AtomicInteger count = runs.get(id);
        int n = count == null ? 0 : count.get();
        if (cancelled.contains(id)) {
          assertTrue(n <= 1, "cancelled task " + id + " ran at most once: " + n);
        } else {
          assertEquals(1, n, "task " + id + " ran exactly once");
        }
      }
      assertTrue(submitted.size() > 2000, "thousands of tasks: " + submitted.size());
      assertEquals(ray.totalResources(), ray.availableResources(), "everything was given back");
    }
  }
}
