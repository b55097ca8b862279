package io.raylite.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.raylite.ActorHandle;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * {@code @RayliteTest(schedules = ..., seed = ...)}: runs fixture classes (the static nested classes
 * below, which Surefire does not run by themselves) through the JUnit engine.
 */
class DeterministicSchedulesTest {
  static final List<Raylite> seen = new CopyOnWriteArrayList<>();
  static final List<List<String>> journals = new CopyOnWriteArrayList<>();

  @AfterEach
  void clear() {
    seen.clear();
    journals.clear();
  }

  /** A counter read by one call and written by another. */
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

  /** The bug: read, then write what was read plus one, in two calls, with nothing ordering two callers. */
  static int increment(ActorHandle<Counter> counter) {
    Raylite ray = Raylite.current();
    int seen = ray.get(counter.task(Counter::read).remote());
    ray.get(counter.task(Counter::write, seen + 1).remote());
    return seen;
  }

  static int countTwice(Raylite ray) {
    ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
    ray.get(List.of(ray.task(DeterministicSchedulesTest::increment, counter).remote(),
        ray.task(DeterministicSchedulesTest::increment, counter).remote()));
    int count = ray.get(counter.task(Counter::read).remote());
    ray.kill(counter);
    return count;
  }

  static String tell(ActorHandle<Journal> journal, String name) {
    Raylite ray = Raylite.current();
    ray.get(journal.task(Journal::append, name + " starts").remote());
    ray.get(journal.task(Journal::append, name + " ends").remote());
    return name;
  }

  static List<String> journalOfTwoTasks(Raylite ray) {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    ray.get(List.of(ray.task(DeterministicSchedulesTest::tell, journal, "a").remote(),
        ray.task(DeterministicSchedulesTest::tell, journal, "b").remote()));
    List<String> entries = ray.get(journal.task(Journal::entries).remote());
    ray.kill(journal);
    return entries;
  }

  private static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents();
  }

  private static Events runTests(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
  }

  private static Throwable onlyFailure(Events events) {
    List<Throwable> failures = events.failed().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
        .toList();
    assertEquals(1, failures.size(), "failures: " + failures);
    return failures.getFirst();
  }

  private static int countUnder(long seed) {
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).deterministic(seed).build()) {
      return countTwice(ray);
    }
  }

  /* ---------------- Fixtures ---------------- */

  static class LosesAnUpdate {
    @RayliteTest(schedules = 50)
    @Test
    void twoIncrementsCountTwo(Raylite ray) {
      assertEquals(2, countTwice(ray));
    }
  }

  static class RecordsFiveSchedules {
    @RayliteTest(schedules = 5)
    @Test
    void test(Raylite ray) {
      seen.add(ray);
      journals.add(journalOfTwoTasks(ray));
    }
  }

  static class ReplaysSeedThree {
    @RayliteTest(seed = 3)
    @Test
    void test(Raylite ray) {
      journals.add(journalOfTwoTasks(ray));
    }
  }

  static class LeavesAnActorUnderEverySeed {
    @RayliteTest(schedules = 3)
    @Test
    void test(Raylite ray) {
      ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
      ray.get(counter.task(Counter::read).remote());
    }
  }

  @RayliteTest(perClass = true, schedules = 2)
  static class SchedulesPerClass {
    @Test
    void test(Raylite ray) {
      ray.get(ray.put(1));
    }
  }

  /* ---------------- Tests ---------------- */

  @Test
  void aLostUpdateFailsUnderTheFirstSeedThatExposesItAndTheReportNamesIt() {
    long firstFailing = LongStream.range(0, 50).filter(seed -> countUnder(seed) != 2).findFirst().orElseThrow();
    Throwable failure = onlyFailure(run(LosesAnUpdate.class));
    assertInstanceOf(AssertionError.class, failure);
    Matcher m = Pattern.compile("failed under seed (\\d+) \\(schedule \\d+ of 50\\); replay it with "
        + "@RayliteTest\\(seed = (\\d+)\\)").matcher(failure.getMessage());
    assertTrue(m.find(), failure.getMessage());
    assertEquals(firstFailing, Long.parseLong(m.group(1)));
    assertEquals(m.group(1), m.group(2));
    assertTrue(failure.getMessage().contains("expected: <2> but was: <1>"), failure.getMessage());
  }

  @Test
  void schedulesRunTheTestOncePerSeedEachWithAFreshRuntimeClosedAfterwards() {
    runTests(RecordsFiveSchedules.class).assertStatistics(stats -> stats.succeeded(1).failed(0));
    assertEquals(5, seen.stream().distinct().count());
    assertTrue(seen.stream().allMatch(Raylite::isClosed));
    List<List<String>> expected = new ArrayList<>();
    for (long seed = 0; seed < 5; seed++) {
      try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).deterministic(seed).build()) {
        expected.add(journalOfTwoTasks(ray));
      }
    }
    assertEquals(expected, journals);
  }

  @Test
  void aSeedReplaysExactlyThatSchedule() {
    runTests(ReplaysSeedThree.class).assertStatistics(stats -> stats.succeeded(1).failed(0));
    try (Raylite ray = Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).deterministic(3).build()) {
      assertEquals(List.of(journalOfTwoTasks(ray)), journals);
    }
  }

  @Test
  void aLeakUnderASeedFailsTheTestNamingTheSeed() {
    Throwable failure = onlyFailure(run(LeavesAnActorUnderEverySeed.class));
    assertTrue(failure.getMessage().contains("under seed 0 (replay it with @RayliteTest(seed = 0))")
        && failure.getMessage().contains("ALIVE"), failure.getMessage());
  }

  @Test
  void schedulesWithARuntimePerClassAreRefused() {
    Throwable failure = onlyFailure(run(SchedulesPerClass.class));
    assertTrue(failure.getMessage().contains("perClass"), failure.getMessage());
  }
}
