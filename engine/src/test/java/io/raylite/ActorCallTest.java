package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Calling actors: ordering, concurrency, arguments, results, handles in tasks, context. */
@Timeout(60)
class ActorCallTest {

  static final class Counter {
    private int value;

    Counter() {}

    Counter(int start) {
      value = start;
    }

    /** A factory for ObjectRef arguments: Counter::new names two constructors, which Java cannot pick between. */
    static Counter startingAt(int start) {
      return new Counter(start);
    }

    int add(int n) {
      value += n;
      return value;
    }

    int get() {
      return value;
    }

    void reset() {
      value = 0;
    }

    int sum6(int a, int b, int c, int d, int e, int f) {
      value = a + b + c + d + e + f;
      return value;
    }
  }

  /** Records calls per caller and how many ran at once; its state is not thread-safe on purpose. */
  static final class Recorder {
    private final Map<Integer, List<Integer>> seen = new HashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();

    void record(int caller, int seq) {
      maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
      seen.computeIfAbsent(caller, c -> new ArrayList<>()).add(seq);
      active.decrementAndGet();
    }

    Map<Integer, List<Integer>> seen() {
      return Map.copyOf(seen);
    }

    int maxActive() {
      return maxActive.get();
    }
  }

  /** Calls meet in groups of {@code parties}: each waits until that many run at once. */
  static final class Gathering {
    private final CyclicBarrier barrier;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();

    Gathering(int parties) {
      barrier = new CyclicBarrier(parties);
    }

    int meet() throws Exception {
      int now = active.incrementAndGet();
      maxActive.accumulateAndGet(now, Math::max);
      try {
        barrier.await(30, TimeUnit.SECONDS);  // fails the call instead of hanging if too few run at once
      } finally {
        active.decrementAndGet();
      }
      return now;
    }

    int maxActive() {
      return maxActive.get();
    }
  }

  static final class Forwarder {
    int forward(ActorHandle<Counter> counter, int n) {
      return counter.task(Counter::add, n).remote().get();
    }
  }

  static final class Inspector {
    String actorId() {
      return Raylite.context().actorId().orElseThrow();
    }

    String taskName() {
      return Raylite.context().taskName();
    }

    boolean restarted() {
      return Raylite.context().wasActorRestarted();
    }

    long sumOfSquaresByTasks(int n) {
      Raylite ray = Raylite.current();
      List<ObjectRef<Long>> parts = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        parts.add(ray.task(ActorCallTest::square, i).remote());
      }
      WaitResult<Long> all = ray.wait(parts);
      assertEquals(n, all.ready().size());
      long sum = 0;
      for (long part : ray.get(parts)) {
        sum += part;
      }
      return sum;
    }
  }

  static long square(int i) {
    return (long) i * i;
  }

  static int squareAsInt(int i) {
    return i * i;
  }

  static int addThroughHandle(ActorHandle<Counter> counter, int n) {
    return counter.task(Counter::add, n).remote().get();
  }

  static Optional<String> actorIdInTask() {
    return Raylite.context().actorId();
  }

  static int awaitThenReturn(CountDownLatch latch, int value) throws InterruptedException {
    latch.await();
    return value;
  }

  @Test
  void methodCall_returnsItsResult_andTheActorKeepsState() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> counter = ray.actor(Counter::new, 10).remote();
      assertEquals(11, ray.get(counter.task(Counter::add, 1).remote()));
      assertEquals(13, ray.get(counter.task(Counter::add, 2).remote()));
      assertEquals(13, counter.task(Counter::get).remote().get());
    }
  }

  @Test
  void voidMethod_givesARefThatCompletesWhenTheCallEnds() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> counter = ray.actor(Counter::new, 5).remote();
      ObjectRef<Void> reset = counter.task(Counter::reset).remote();
      assertNull(ray.get(reset));
      assertEquals(0, ray.get(counter.task(Counter::get).remote()));
    }
  }

  @Test
  void methodOfSixArguments_isCalledWithAllOfThem() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
      ObjectRef<Integer> three = ray.put(3);
      assertEquals(21, ray.get(counter.task(Counter::sum6, 1, 2, three, 4, 5, 6).remote()));
    }
  }

  @Test
  void objectRefArguments_areResolvedBeforeTheCall_forConstructorAndMethods() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ObjectRef<Integer> start = ray.task(ActorCallTest::squareAsInt, 10).remote();
      ActorHandle<Counter> counter = ray.actor(Counter::startingAt, start).remote();
      assertEquals(105, ray.get(counter.task(Counter::add, ray.put(5)).remote()));
    }
  }

  @Test
  void callWaitingForAnArgument_isNotOvertakenByLaterCalls() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      CountDownLatch release = new CountDownLatch(1);
      ObjectRef<Integer> slow = ray.task(ActorCallTest::awaitThenReturn, release, 5).remote();
      ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
      ObjectRef<Integer> first = counter.task(Counter::add, slow).remote();
      ObjectRef<Integer> second = counter.task(Counter::add, 1).remote();
      release.countDown();
      assertEquals(5, ray.get(first));
      assertEquals(6, ray.get(second));
    }
  }

  @Test
  void callsFromManyConcurrentCallers_runOneAtATime_inEachCallersOrder() throws Exception {
    int callers = 8;
    int perCaller = 400;
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Recorder> recorder = ray.actor(Recorder::new).remote();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      List<ObjectRef<Void>> refs = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int c = 0; c < callers; c++) {
        int caller = c;
        threads.add(Thread.ofPlatform().start(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          for (int seq = 0; seq < perCaller; seq++) {
            refs.add(recorder.task(Recorder::record, caller, seq).remote());
          }
        }));
      }
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      ray.get(refs);
      Map<Integer, List<Integer>> seen = ray.get(recorder.task(Recorder::seen).remote());
      List<Integer> expected = java.util.stream.IntStream.range(0, perCaller).boxed().toList();
      for (int c = 0; c < callers; c++) {
        assertEquals(expected, seen.get(c), "calls of caller " + c);
      }
      assertEquals(1, ray.get(recorder.task(Recorder::maxActive).remote()));
    }
  }

  @Test
  void threadedActor_runsUpToMaxConcurrencyCallsAtOnce_neverMore() {
    int limit = 3;
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Gathering> gathering = ray.actor(Gathering::new, limit).maxConcurrency(limit).remote();
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 10 * limit; i++) {
        refs.add(gathering.task(Gathering::meet).remote());
      }
      ray.get(refs);
      assertEquals(limit, ray.get(gathering.task(Gathering::maxActive).remote()));
    }
  }

  @Test
  void handle_canBeUsedFromInsideTasks() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        refs.add(ray.task(ActorCallTest::addThroughHandle, counter, 1).remote());
      }
      List<Integer> seen = new ArrayList<>(ray.get(refs));
      seen.sort(null);
      assertEquals(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList(), seen);
    }
  }

  @Test
  void handle_canBePassedToAnotherActor() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
      ActorHandle<Forwarder> forwarder = ray.actor(Forwarder::new).remote();
      assertEquals(7, ray.get(forwarder.task(Forwarder::forward, counter, 7).remote()));
      assertEquals(7, ray.get(counter.task(Counter::get).remote()));
    }
  }

  @Test
  void getAndWaitInsideAnActorCall_waitForTasks() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Inspector> inspector = ray.actor(Inspector::new).remote();
      assertEquals(385L, ray.get(inspector.task(Inspector::sumOfSquaresByTasks, 10).remote()));
    }
  }

  @Test
  void context_inAnActorCall_namesTheActorAndTheMethod() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Inspector> inspector = ray.actor(Inspector::new).remote();
      assertEquals(inspector.id(), ray.get(inspector.task(Inspector::actorId).remote()));
      assertEquals("ActorCallTest.Inspector.taskName", ray.get(inspector.task(Inspector::taskName).remote()));
      assertEquals("custom", ray.get(inspector.task(Inspector::taskName).name("custom").remote()));
      assertFalse(ray.get(inspector.task(Inspector::restarted).remote()));
      assertEquals(Optional.empty(), ray.get(ray.task(ActorCallTest::actorIdInTask).remote()));
    }
  }

  @Test
  void handles_onTheSameActor_areEqual() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> counter = ray.actor(Counter::new).name("c").remote();
      ActorHandle<Counter> found = ray.<Counter>getActor("c").orElseThrow();
      assertEquals(counter, found);
      assertEquals(counter.hashCode(), found.hashCode());
      assertTrue(counter.toString().contains(counter.id()));
    }
  }
}
