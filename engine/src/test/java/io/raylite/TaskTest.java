package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static int zero() {
    return 0;
  }

  static int one(int a) {
    return a;
  }

  static int two(int a, int b) {
    return a + b;
  }

  static int three(int a, int b, int c) {
    return a + b + c;
  }

  static int four(int a, int b, int c, int d) {
    return a + b + c + d;
  }

  static int five(int a, int b, int c, int d, int e) {
    return a + b + c + d + e;
  }

  static int six(int a, int b, int c, int d, int e, int f) {
    return a + b + c + d + e + f;
  }

  static String concat(String a, String b) {
    return a + b;
  }

  static long fib(int n) {
    if (n < 2) {
      return n;
    }
    Raylite r = Raylite.current();
    ObjectRef<Long> a = r.task(TaskTest::fib, n - 1).remote();
    ObjectRef<Long> b = r.task(TaskTest::fib, n - 2).remote();
    return r.get(a) + r.get(b);
  }

  @Test
  void methodReferencesOfEveryArityRun() {
    ObjectRef<Integer> ref1 = ray.put(1);
    assertEquals(0, ray.get(ray.task(TaskTest::zero).remote()));
    assertEquals(1, ray.get(ray.task(TaskTest::one, 1).remote()));
    assertEquals(3, ray.get(ray.task(TaskTest::two, ref1, 2).remote()));
    assertEquals(6, ray.get(ray.task(TaskTest::three, 1, ref1, 4).remote()));
    assertEquals(10, ray.get(ray.task(TaskTest::four, 1, 2, 3, 4).remote()));
    assertEquals(15, ray.get(ray.task(TaskTest::five, ref1, ref1, 3, 5, 5).remote()));
    assertEquals(16, ray.get(ray.task(TaskTest::six, 1, 2, 3, 4, 5, ref1).remote()));
  }

  @Test
  void lambdasRunAsTasks() {
    int base = 40;
    assertEquals(42, ray.get(ray.task(() -> base + 2).remote()));
    assertEquals("ab", ray.get(ray.task((String x, String y) -> x + y, "a", "b").remote()));
  }

  @Test
  void argumentChainsAreResolvedInOrder() {
    ObjectRef<String> ref = ray.put("");
    for (int i = 0; i < 50; i++) {
      ref = ray.task(TaskTest::concat, ref, Integer.toString(i % 10)).remote();
    }
    assertEquals("01234567890123456789012345678901234567890123456789", ray.get(ref));
  }

  @Test
  void argumentsPendingOnSlowTasksDoNotHoldAThread() throws Exception {
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    try (Raylite one = Raylite.builder().cpus(1).build()) {
      // Blocks the only CPU worker's dependency without occupying it: a 0-CPU task waits on the gate.
      ObjectRef<Integer> slow = one.task(() -> gate.get(10, TimeUnit.SECONDS)).numCpus(0).remote();
      List<ObjectRef<Integer>> dependents = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        dependents.add(one.task(TaskTest::two, slow, i).remote());
      }
      // The one CPU is free for unrelated work while 100 tasks wait for their argument.
      assertEquals(7, one.get(one.task(TaskTest::one, 7).remote(), java.time.Duration.ofSeconds(10)));
      gate.complete(1);
      assertEquals(100, one.get(dependents).get(99));
    }
  }

  @Test
  void recursiveFibonacciWithNestedGetsFinishesOnOneCpu() {
    try (Raylite one = Raylite.builder().cpus(1).build()) {
      assertEquals(6765L, one.get(one.task(TaskTest::fib, 20).remote()));
      assertEquals(1.0, one.availableResources().get(Resources.CPU));
    }
  }

  static final java.util.Queue<ObjectRef<Integer>> SUBMITTED = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Submits a child that finishes, then five that wait for {@code gate}, and waits for them. */
  static int parentOfSix(CompletableFuture<Integer> gate, java.util.concurrent.CountDownLatch submitted) {
    Raylite r = Raylite.current();
    ObjectRef<Integer> quick = r.task(TaskTest::two, 1, 1).remote();
    r.get(quick);
    List<ObjectRef<Integer>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ObjectRef<Integer> child = r.task(() -> gate.get(30, TimeUnit.SECONDS)).numCpus(0).remote();
      SUBMITTED.add(child);
      waiting.add(child);
    }
    submitted.countDown();
    return r.get(waiting).size();
  }

  @Test
  void cancellingAParent_cancelsEveryUnfinishedChild_beyondTheFirstTwo() throws Exception {
    SUBMITTED.clear();
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    java.util.concurrent.CountDownLatch submitted = new java.util.concurrent.CountDownLatch(1);
    try {
      ObjectRef<Integer> parent = ray.task(TaskTest::parentOfSix, gate, submitted).remote();
      assertTrue(submitted.await(30, TimeUnit.SECONDS));
      assertEquals(5, SUBMITTED.size());
      assertTrue(ray.cancel(parent, true));
      for (ObjectRef<Integer> child : SUBMITTED) {
        assertThrows(TaskCancelledException.class, () -> ray.get(child, java.time.Duration.ofSeconds(30)));
      }
    } finally {
      gate.complete(0);
    }
  }

  @Test
  void nestedSubmissionFromManyTasks() {
    List<ObjectRef<Integer>> outer = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      outer.add(ray.task(() -> {
        Raylite r = Raylite.current();
        List<ObjectRef<Integer>> inner = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
          inner.add(r.task(TaskTest::two, n, k).remote());
        }
        return r.get(inner).stream().mapToInt(Integer::intValue).sum();
      }).remote());
    }
    List<Integer> sums = ray.get(outer);
    for (int i = 0; i < 100; i++) {
      assertEquals(10 * i + 45, sums.get(i));
    }
  }

  @Test
  void getOfListReturnsValuesInInputOrder() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      refs.add(ray.task(TaskTest::one, i).remote());
    }
    List<Integer> values = ray.get(refs);
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, values.get(i));
    }
  }

  @Test
  void putAndGetReturnTheSameObject() {
    int[] data = {1, 2, 3};
    ObjectRef<int[]> ref = ray.put(data);
    assertSame(data, ray.get(ref));
    assertSame(data, ref.get());
    assertTrue(ref.isReady());
    assertEquals(16, ref.id().length());
  }

  @Test
  void putOfNullIsAValue() {
    assertNull(ray.get(ray.put(null)));
  }

  @Test
  void completableFutureCompletesWithTheValue() throws Exception {
    ObjectRef<Integer> ref = ray.task(TaskTest::two, 20, 22).remote();
    CompletableFuture<Integer> future = ref.toCompletableFuture();
    assertEquals(43, future.thenApply(x -> x + 1).get(10, TimeUnit.SECONDS));
    future.cancel(true);
    assertEquals(42, ray.get(ref), "cancelling the returned future does not touch the object");
  }

  record Seen(String name, String id, java.util.Map<String, Double> resources, List<Integer> gpuIds,
      int attempt, Raylite runtime, String worker) {
    static Seen now() {
      RuntimeContext c = Raylite.context();
      return new Seen(c.taskName(), c.taskId(), c.resources(), c.gpuIds(), c.attempt(), c.runtime(),
          c.workerName());
    }
  }

  @Test
  void contextDescribesTheRunningTask() {
    try (Raylite gpus = Raylite.builder().cpus(2).gpus(2).resource("disk", 4).build()) {
      Seen seen = gpus.get(gpus.task(Seen::now)
          .numCpus(1.5).numGpus(1).resource("disk", 2).name("describe").remote());
      assertEquals("describe", seen.name());
      assertTrue(seen.id().startsWith("task-"), seen.id());
      assertEquals(1.5, seen.resources().get(Resources.CPU));
      assertEquals(1.0, seen.resources().get(Resources.GPU));
      assertEquals(2.0, seen.resources().get("disk"));
      assertEquals(List.of(0), seen.gpuIds());
      assertEquals(0, seen.attempt());
      assertSame(gpus, seen.runtime());
      assertNotNull(seen.worker());
    }
  }

  @Test
  void defaultTaskNameIsClassAndMethod() {
    String name = ray.get(ray.task(TaskTest::nameOfCurrentTask).remote());
    assertEquals("TaskTest.nameOfCurrentTask", name);
  }

  static String nameOfCurrentTask() {
    return Raylite.context().taskName();
  }

  @Test
  void contextOutsideATaskFailsClearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class, Raylite::context);
    assertTrue(e.getMessage().contains("only available inside a task"), e.getMessage());
  }

  @Test
  void logLinesArePrefixedWithTaskNameAndWorker() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Raylite logged = Raylite.builder().cpus(1).logStream(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build()) {
      logged.get(logged.task(() -> {
        Raylite.context().log("n_estimators=%d, mse=%.4f", 8, 0.2983);
        return null;
      }).name("train_and_score_model").remote());
    }
    String line = bytes.toString(StandardCharsets.UTF_8).strip();
    assertTrue(line.matches("\\(train_and_score_model worker=\\d+\\) n_estimators=8, mse=0\\.2983"), line);
  }

  @Test
  void zeroCpuAndBlockingTasksRunOnVirtualThreads() {
    assertTrue(ray.get(ray.task(() -> Thread.currentThread().isVirtual()).numCpus(0).remote()));
    assertTrue(ray.get(ray.task(() -> Thread.currentThread().isVirtual()).blocking().remote()));
    assertFalse(ray.get(ray.task(() -> Thread.currentThread().isVirtual()).remote()));
  }

  @Test
  void severalRuntimesLiveSideBySide() {
    try (Raylite other = Raylite.builder().cpus(1).build()) {
      ObjectRef<Integer> mine = ray.put(1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> other.task(TaskTest::one, mine).remote());
      assertTrue(e.getMessage().contains("argument 0"), e.getMessage());
      assertEquals(2, other.get(other.task(TaskTest::one, 2).remote()));
      assertEquals(1, ray.get(mine));
    }
  }
}
