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
 *
 * <p>The second case mixes in what makes the lock path hold the gate of the lock-free one: tasks
 * with priorities (the priority lane) and placement groups created and removed while the tasks
 * run (gang reservations that take CPUs from under the lock-free path, and give them back).
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
  /** Whether tasks get random priorities and a thread creates and removes placement groups. */
  boolean mixPrioritiesAndGroups;
  final AtomicInteger groupsPlaced = new AtomicInteger();

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
    if (mixPrioritiesAndGroups) {
      call.priority(PRIORITIES[(int) Math.floorMod(seed >>> 7, (long) PRIORITIES.length)]);
    }
    if (s.gpu > 0) {
      call.numGpus(s.gpu);
    }
    if (s.disk > 0) {
      call.resource("disk", s.disk);
    }
    return call.remote();
  }

  /** Mostly the default priority (the lock-free path for CPU-only shapes), some above and below it. */
  static final int[] PRIORITIES = {0, 0, 0, 1, 2, -1};

  /** A task placed in a bundle: counted for exactly-once, its resources are the group's. */
  int bundleWork(int id) {
    if (runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() > 1) {
      violation.compareAndSet(null, "task " + id + " ran twice");
    }
    checkLedger(Raylite.current());
    return 1;
  }

  /**
   * Creates placement groups one after another, each gang-reserving CPUs the lock-free path also
   * wants, runs a few tasks in it and removes it; the test counts a group's CPUs as in use from
   * when it is ready until just before it is removed (so the count never runs ahead of the ledger).
   */
  private void placeGroups(Raylite ray, CountDownLatch start, CountDownLatch submittersDone) throws Exception {
    Random random = new Random(77);
    start.await();
    while (submittersDone.getCount() > 0) {
      List<Map<String, Double>> bundles = random.nextBoolean()
          ? List.of(Map.of("CPU", 1.0))
          : List.of(Map.of("CPU", 1.0), Map.of("CPU", 0.5));
      double cpus = bundles.stream().mapToDouble(b -> b.get("CPU")).sum();
      PlacementGroup group = ray.placementGroup(bundles, PlacementStrategy.PACK);
      ray.get(group.ready(), Duration.ofMinutes(2));
      groupsPlaced.incrementAndGet();
      Shape held = new Shape(cpus, 0, 0);
      add(held, +1);
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = random.nextInt(3); i >= 0; i--) {
        int id = nextId.incrementAndGet();
        submitted.add(id);
        refs.add(ray.task(this::bundleWork, id).numCpus(0.5).placementGroup(group, random.nextInt(bundles.size()))
            .remote());
      }
      ray.get(refs, Duration.ofMinutes(2));
      add(held, -1);
      ray.removePlacementGroup(group);
    }
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

  @Test
  void prioritiesAndPlacementGroupsMixedWithTheLockFreePathNeverExceedCapacityAndRunEachTaskOnce()
      throws Exception {
    mixPrioritiesAndGroups = true;
    try (Raylite ray = Raylite.builder().cpus(CPUS).gpus(GPUS).resource("disk", DISK).build();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1)) {
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch submittersDone = new CountDownLatch(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long threadSeed = 2000L + t;
        done.add(threads.submit(() -> {
          try {
            submitAndGet(ray, threadSeed, start);
          } finally {
            submittersDone.countDown();
          }
          return null;
        }));
      }
      Future<?> groups = threads.submit(() -> {
        placeGroups(ray, start, submittersDone);
        return null;
      });
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      groups.get();
      int fence = ray.get(ray.task(() -> 0).numCpus(CPUS).numGpus(GPUS).resource("disk", DISK).remote(),
          Duration.ofMinutes(2));
      assertEquals(0, fence);

      assertNull(violation.get());
      assertTrue(groupsPlaced.get() > 0, "groups were placed while the tasks ran");
      for (int id : submitted) {
        AtomicInteger count = runs.get(id);
        int n = count == null ? 0 : count.get();
        if (cancelled.contains(id)) {
          assertTrue(n <= 1, "cancelled task " + id + " ran at most once: " + n);
        } else {
          assertEquals(1, n, "task " + id + " ran exactly once");
        }
      }
      assertEquals(ray.totalResources(), ray.availableResources(), "everything was given back");
    }
  }
}
