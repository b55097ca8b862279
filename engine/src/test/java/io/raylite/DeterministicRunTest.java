package io.raylite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs under {@link Raylite.Builder#deterministic(long)}: one at a time, in an order drawn from the seed. */
class DeterministicRunTest {
  /** A counter read by one call and written by another: two callers without ordering lose an update. */
  public static class Counter {
    private int value;

    public int read() {
      return value;
    }

    public int write(int v) {
      value = v;
      return v;
    }
  }

  /** Remembers the order of what it is told. */
  public static class Journal {
    private final List<String> entries = new ArrayList<>();

    public int append(String entry) {
      entries.add(entry);
      return entries.size();
    }

    public List<String> entries() {
      return List.copyOf(entries);
    }
  }

  /** Records calls; {@link #queueTwoCallsFromTwoTasks} queues calls to itself while it runs. */
  public static class PriorityJournal {
    private final List<String> entries = new ArrayList<>();

    public int queueTwoCallsFromTwoTasks(ActorHandle<PriorityJournal> self) {
      Raylite ray = Raylite.current();
      ray.get(List.of(ray.task(DeterministicRunTest::appendWithPriority, self, "low", 0).remote(),
          ray.task(DeterministicRunTest::appendWithPriority, self, "high", 5).remote()));
      return 0;  // both calls are queued behind this one, each from its own caller
    }

    public int append(String entry) {
      entries.add(entry);
      return entries.size();
    }

    public List<String> entries() {
      return List.copyOf(entries);
    }
  }

  static int appendWithPriority(ActorHandle<PriorityJournal> journal, String entry, int priority) {
    journal.task(PriorityJournal::append, entry).priority(priority).remote();
    return 0;
  }

  @Test
  void anActorDrawsAmongCallersOnlyCallsOfTheHighestQueuedPriority() {
    for (long seed = 1; seed <= 12; seed++) {
      try (Raylite ray = deterministic(seed, 2)) {
        ActorHandle<PriorityJournal> journal = ray.actor(PriorityJournal::new).remote();
        ray.get(journal.task(PriorityJournal::queueTwoCallsFromTwoTasks, journal).remote());
        assertEquals(List.of("high", "low"), ray.get(journal.task(PriorityJournal::entries).priority(-1).remote()),
            "seed " + seed);
      }
    }
  }

  private static Raylite deterministic(long seed, double cpus) {
    return Raylite.builder().name("deterministic").cpus(cpus).dashboard(false).discoverGpus(false)
        .deterministic(seed).build();
  }

  /** The seeded bug: read, then write what was read plus one, in two actor calls. */
  static int increment(ActorHandle<Counter> counter) {
    Raylite ray = Raylite.current();
    int seen = ray.get(counter.task(Counter::read).remote());
    ray.get(counter.task(Counter::write, seen + 1).remote());
    return seen;
  }

  /** Two increments; returns the final count (2, or 1 when an update was lost). */
  static int countTwice(Raylite ray) {
    ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
    ray.get(List.of(ray.task(DeterministicRunTest::increment, counter).remote(),
        ray.task(DeterministicRunTest::increment, counter).remote()));
    int count = ray.get(counter.task(Counter::read).remote());
    ray.kill(counter);
    return count;
  }

  private static <T> T runWithSeed(long seed, Function<Raylite, T> program) {
    try (Raylite ray = deterministic(seed, 2)) {
      return program.apply(ray);
    }
  }

  static String tell(ActorHandle<Journal> journal, String name) {
    Raylite ray = Raylite.current();
    ray.get(journal.task(Journal::append, name + " starts").remote());
    ray.get(journal.task(Journal::append, name + " ends").remote());
    return name;
  }

  static List<String> journalOfThreeTasks(Raylite ray) {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    ray.get(List.of(ray.task(DeterministicRunTest::tell, journal, "a").remote(),
        ray.task(DeterministicRunTest::tell, journal, "b").remote(),
        ray.task(DeterministicRunTest::tell, journal, "c").remote()));
    List<String> entries = ray.get(journal.task(Journal::entries).remote());
    ray.kill(journal);
    return entries;
  }

  @Test
  void theSameSeedGivesTheSameInterleaving() {
    for (long seed = 0; seed < 10; seed++) {
      assertEquals(runWithSeed(seed, DeterministicRunTest::journalOfThreeTasks),
          runWithSeed(seed, DeterministicRunTest::journalOfThreeTasks), "seed " + seed);
    }
  }

  @Test
  void seedsDrawDifferentInterleavings() {
    long distinct = LongStream.range(0, 20)
        .mapToObj(seed -> runWithSeed(seed, DeterministicRunTest::journalOfThreeTasks)).distinct().count();
    assertTrue(distinct > 1, "20 seeds gave one interleaving");
  }

  @Test
  void aLostUpdateIsExposedBySomeSeedsAndNotByOthers() {
    int lost = 0;
    int kept = 0;
    for (long seed = 0; seed < 50; seed++) {
      int count = runWithSeed(seed, DeterministicRunTest::countTwice);
      if (count == 1) {
        lost++;
      } else {
        assertEquals(2, count, "seed " + seed);
        kept++;
      }
    }
    assertTrue(lost > 0, "no seed of 50 lost an update");
    assertTrue(kept > 0, "every seed of 50 lost an update");
  }

  @Test
  void replayingTheSeedThatLostAnUpdateLosesItAgain() {
    long failing = LongStream.range(0, 50).filter(seed -> runWithSeed(seed, DeterministicRunTest::countTwice) == 1)
        .findFirst().orElseThrow();
    for (int replay = 0; replay < 5; replay++) {
      assertEquals(1, runWithSeed(failing, DeterministicRunTest::countTwice), "replay " + replay + " of seed " + failing);
    }
  }

  @Test
  void aThousandRunsOfOneSeedWriteIdenticalTimelines(@TempDir Path dir) throws Exception {
    byte[] first = null;
    for (int run = 0; run < 1_000; run++) {
      Path file = dir.resolve("timeline-" + run + ".json");
      // Unnamed: each runtime gets a new name, which the timeline must not show.
      try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).deterministic(7).build()) {
        countTwice(ray);
        ray.timeline(file);
      }
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);
      if (first == null) {
        first = bytes;
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("increment") && text.contains("Counter.write"), text);
      } else {
        assertArrayEquals(first, bytes, "run " + run);
      }
    }
  }

  static int fib(int n) {
    if (n < 2) {
      return n;
    }
    Raylite ray = Raylite.current();
    ObjectRef<Integer> a = ray.task(DeterministicRunTest::fib, n - 1).remote();
    ObjectRef<Integer> b = ray.task(DeterministicRunTest::fib, n - 2).remote();
    return ray.get(a) + ray.get(b);
  }

  @Test
  void nestedGetsOnOneCpuComplete() {
    try (Raylite ray = deterministic(3, 1)) {
      assertEquals(55, ray.get(ray.task(DeterministicRunTest::fib, 10).remote()));
    }
  }

  /** An actor whose calls wait for a task: with maxConcurrency 2, two calls interleave inside it. */
  public static class Relay {
    private final List<String> order = new ArrayList<>();

    public String relay(String name) {
      order.add(name + " in");
      String echoed = Raylite.current().get(Raylite.current().task(DeterministicRunTest::echo, name).remote());
      order.add(name + " out");
      return echoed;
    }

    public List<String> order() {
      return List.copyOf(order);
    }
  }

  static String echo(String s) {
    return s;
  }

  static List<String> relayTwice(Raylite ray) {
    ActorHandle<Relay> relay = ray.actor(Relay::new).maxConcurrency(2).remote();
    assertEquals(List.of("x", "y"), ray.get(List.of(relay.task(Relay::relay, "x").remote(),
        relay.task(Relay::relay, "y").remote())));
    List<String> order = ray.get(relay.task(Relay::order).remote());
    ray.kill(relay);
    return order;
  }

  @Test
  void anActorWithMaxConcurrencyTwoRunsItsCallsInTheSeedsOrder() {
    List<List<String>> orders = new ArrayList<>();
    for (long seed = 0; seed < 20; seed++) {
      List<String> order = runWithSeed(seed, DeterministicRunTest::relayTwice);
      assertEquals(order, runWithSeed(seed, DeterministicRunTest::relayTwice), "seed " + seed);
      orders.add(order);
    }
    // Both calls enter before either leaves under some seed: the two calls really overlap.
    assertTrue(orders.stream().anyMatch(o -> o.indexOf("y in") < o.indexOf("x out") && o.indexOf("x in") < o.indexOf("y out")),
        orders.toString());
  }

  /** Sends two entries without waiting between them, then waits for both. */
  static int sendTwo(ActorHandle<Journal> journal, String name) {
    Raylite ray = Raylite.current();
    ray.get(List.of(journal.task(Journal::append, name + "1").remote(), journal.task(Journal::append, name + "2").remote()));
    return 2;
  }

  static List<String> twoCallersSendingTwoEach(Raylite ray) {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    ray.get(List.of(ray.task(DeterministicRunTest::sendTwo, journal, "a").remote(),
        ray.task(DeterministicRunTest::sendTwo, journal, "b").remote()));
    List<String> entries = ray.get(journal.task(Journal::entries).remote());
    ray.kill(journal);
    return entries;
  }

  @Test
  void callsOfDifferentCallersInterleaveAsTheSeedSaysAndEachCallersCallsKeepTheirOrder() {
    boolean interleaved = false;
    for (long seed = 0; seed < 30; seed++) {
      List<String> order = runWithSeed(seed, DeterministicRunTest::twoCallersSendingTwoEach);
      assertTrue(order.indexOf("a1") < order.indexOf("a2") && order.indexOf("b1") < order.indexOf("b2"),
          "seed " + seed + ": " + order);
      interleaved |= order.indexOf("b1") < order.indexOf("a2") && order.indexOf("a1") < order.indexOf("b2");
    }
    assertTrue(interleaved, "30 seeds never interleaved two callers' calls");
  }

  @Test
  void waitReturnsTheSameReadyRefsForTheSameSeed() {
    Function<Raylite, List<String>> firstReady = ray -> {
      List<ObjectRef<String>> refs = List.of(ray.task(DeterministicRunTest::echo, "p").remote(),
          ray.task(DeterministicRunTest::echo, "q").remote(), ray.task(DeterministicRunTest::echo, "r").remote());
      WaitResult<String> result = ray.wait(refs, 1, Duration.ofMinutes(1));
      assertEquals(1, result.ready().size());
      List<String> ready = ray.get(result.ready());
      ray.get(refs);
      return ready;
    };
    for (long seed = 0; seed < 10; seed++) {
      assertEquals(runWithSeed(seed, firstReady), runWithSeed(seed, firstReady), "seed " + seed);
    }
  }

  @Test
  void submittingRunsNothingUntilTheDriverWaits() {
    try (Raylite ray = deterministic(1, 2)) {
      ObjectRef<String> ref = ray.task(DeterministicRunTest::echo, "later").remote();
      String id = ray.state().tasks(StateFilter.ALL, 10).rows().getFirst().taskId();
      assertNotEquals(TaskState.FINISHED, ray.state().task(id).orElseThrow().state());
      assertEquals("later", ray.get(ref));
      assertEquals(TaskState.FINISHED, ray.state().task(id).orElseThrow().state());
    }
  }

  @Test
  void aCancelledTaskNeverRuns() {
    try (Raylite ray = deterministic(1, 2)) {
      ObjectRef<String> ref = ray.task(DeterministicRunTest::echo, "never").remote();
      assertTrue(ray.cancel(ref, false));
      assertThrows(TaskCancelledException.class, () -> ray.get(ref));
    }
  }

  @Test
  void forceCancellingATaskThatWaitsEndsItWhenItIsDrawn() {
    try (Raylite ray = deterministic(8, 2)) {
      ObjectRef<Integer> stuck = ray.task(DeterministicRunTest::waitForever).remote();
      assertTrue(ray.wait(List.of(stuck), 1, Duration.ofHours(1)).ready().isEmpty());  // it waits now
      assertTrue(ray.cancel(stuck, true));
      assertThrows(TaskCancelledException.class, () -> ray.get(stuck));
    }
  }

  static int failFirstAttempt() {
    if (Raylite.context().attempt() == 0) {
      throw new IllegalStateException("first attempt");
    }
    return Raylite.context().attempt();
  }

  static int alwaysFail() {
    throw new IllegalArgumentException("always");
  }

  @Test
  void aRetriedTaskSucceedsOnItsSecondAttempt() {
    try (Raylite ray = deterministic(5, 2)) {
      assertEquals(1, ray.get(ray.task(DeterministicRunTest::failFirstAttempt).maxRetries(1).retryAllExceptions().remote()));
    }
  }

  @Test
  void aFailedTaskHandsItsExceptionToGet() {
    try (Raylite ray = deterministic(5, 2)) {
      TaskFailedException failed = assertThrows(TaskFailedException.class,
          () -> ray.get(ray.task(DeterministicRunTest::alwaysFail).remote()));
      assertInstanceOf(IllegalArgumentException.class, failed.getCause());
    }
  }

  static int waitForever() {
    Raylite.context().await(new CompletableFuture<Void>());
    return 0;
  }

  @Test
  void aDriverWaitingForWhatCanNeverBeReadyGetsADeadlockNamingTheWaiter() {
    try (Raylite ray = deterministic(2, 2)) {
      ObjectRef<Integer> stuck = ray.task(DeterministicRunTest::waitForever).remote();
      ScheduleDeadlockException e = assertThrows(ScheduleDeadlockException.class, () -> ray.get(stuck));
      assertEquals(1, e.waiters().size(), e.getMessage());
      assertTrue(e.getMessage().contains("waitForever") && e.getMessage().contains("seed 2"), e.getMessage());
    }  // close does not hang on the waiting task
  }

  /** Calls its peer synchronously; the peer calls back, which a sequential actor can never serve. */
  public static class Caller {
    private ActorHandle<Caller> peer;

    public int meet(ActorHandle<Caller> other) {
      peer = other;
      return 0;
    }

    public int ping(int depth) {
      return depth == 0 ? 0 : Raylite.current().get(peer.task(Caller::ping, depth - 1).remote());
    }
  }

  @Test
  void twoSequentialActorsCallingEachOtherAreReportedAsADeadlockWithBothWaiters() {
    try (Raylite ray = deterministic(11, 2)) {
      ActorHandle<Caller> a = ray.actor(Caller::new).remote();
      ActorHandle<Caller> b = ray.actor(Caller::new).remote();
      ray.get(List.of(a.task(Caller::meet, b).remote(), b.task(Caller::meet, a).remote()));
      ScheduleDeadlockException e = assertThrows(ScheduleDeadlockException.class,
          () -> ray.get(a.task(Caller::ping, 2).remote()));
      assertEquals(2, e.waiters().size(), e.getMessage());
      assertTrue(e.waiters().stream().allMatch(w -> w.contains("Caller.ping")), e.getMessage());
    }
  }

  static int useTheGpu() {
    return 1;
  }

  static int holdTheGpuAndWaitForAGpuTask() {
    return Raylite.current().get(Raylite.current().task(DeterministicRunTest::useTheGpu).numGpus(1).remote());
  }

  @Test
  void aTaskHoldingTheOnlyGpuThatWaitsForAGpuTaskIsReportedAsADeadlock() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).dashboard(false).deterministic(1).build()) {
      ObjectRef<Integer> outer = ray.task(DeterministicRunTest::holdTheGpuAndWaitForAGpuTask).numGpus(1).remote();
      ScheduleDeadlockException e = assertThrows(ScheduleDeadlockException.class, () -> ray.get(outer));
      assertTrue(e.getMessage().contains("holdTheGpuAndWaitForAGpuTask"), e.getMessage());
    }
  }

  @Test
  void aTimeoutPassesOnlyWhenNothingCanRun() {
    try (Raylite ray = deterministic(2, 2)) {
      // A nanosecond is plenty: the clock is not read while tasks can run.
      assertEquals(55, ray.get(ray.task(DeterministicRunTest::fib, 10).remote(), Duration.ofNanos(1)));
      ObjectRef<Integer> stuck = ray.task(DeterministicRunTest::waitForever).remote();
      assertThrows(GetTimeoutException.class, () -> ray.get(stuck, Duration.ofHours(1)));
    }
  }

  static String getWithTimeout(ObjectRef<Integer> never) {
    try {
      Raylite.current().get(never, Duration.ofHours(1));
      return "ready";
    } catch (GetTimeoutException e) {
      return "timed out";
    }
  }

  @Test
  void aTasksTimeoutPassesWhenNothingElseCanRun() {
    try (Raylite ray = deterministic(4, 2)) {
      ObjectRef<Integer> never = ray.task(DeterministicRunTest::waitForever).remote();
      assertEquals("timed out", ray.get(ray.task(DeterministicRunTest::getWithTimeout, never).remote()));
    }
  }

  @Test
  void closeReturnsWithTasksQueuedAndWaiting() {
    Raylite ray = deterministic(9, 1);
    ObjectRef<Integer> stuck = ray.task(DeterministicRunTest::waitForever).remote();
    assertThrows(ScheduleDeadlockException.class, () -> ray.get(stuck));
    ObjectRef<String> queued = ray.task(DeterministicRunTest::echo, "queued").remote();
    ray.close();
    assertTrue(ray.isClosed());
    assertThrows(RuntimeClosedException.class, () -> ray.get(queued));
  }

  static int produce(RayQueue<String> queue, String item) {
    queue.put(item);
    return 1;
  }

  @Test
  void aDriverTakingFromAQueueRunsTheProducer() {
    try (Raylite ray = deterministic(6, 1)) {
      RayQueue<String> queue = new RayQueue<>(ray, 1);
      ObjectRef<Integer> produced = ray.task(DeterministicRunTest::produce, queue, "item").remote();
      assertEquals("item", queue.get());
      assertEquals(1, ray.get(produced));
      queue.shutdown();
    }
  }

  @Test
  void aQueueGetTimesOutWhenNothingCanPutIntoIt() {
    try (Raylite ray = deterministic(6, 1)) {
      RayQueue<String> queue = new RayQueue<>(ray, 1);
      assertThrows(QueueEmptyException.class, () -> queue.get(Duration.ofHours(1)));
      queue.shutdown();
    }
  }

  @Test
  void anInfeasibleTaskStillFailsAtOnce() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1).dashboard(false).deterministic(1).build()) {
      assertThrows(InfeasibleResourceException.class, () -> ray.task(DeterministicRunTest::echo, "x").numGpus(2).remote());
    }
  }

  @Test
  void tasksRunOnWorkersNamedByTheirCreationOrder() {
    try (Raylite ray = deterministic(1, 2)) {
      assertEquals("d1", ray.get(ray.task(DeterministicRunTest::workerName).remote()));
    }
  }

  static String workerName() {
    return Raylite.context().workerName();
  }
}
