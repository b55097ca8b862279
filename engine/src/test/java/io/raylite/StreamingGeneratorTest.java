package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streaming generators (remoteGenerator), as Ray's num_returns="streaming". */
@Timeout(60)
class StreamingGeneratorTest {
  private Raylite ray = Raylite.builder().cpus(2).dashboard(false).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static Stream<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed();
  }

  private static <T> List<T> values(ObjectRefGenerator<T> generator) {
    List<T> out = new ArrayList<>();
    for (ObjectRef<T> ref : generator) {
      out.add(ref.get());
    }
    return out;
  }

  /** Awaits {@code latch} inside a stream's lambda, which cannot throw InterruptedException. */
  static void awaitInProducer(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out");
  }

  @Test
  void yieldsEveryValueInOrder_thenEnds() {
    ObjectRefGenerator<Integer> generator = ray.task(StreamingGeneratorTest::upTo, 5).remoteGenerator();
    assertEquals(List.of(0, 1, 2, 3, 4), values(generator));
    assertFalse(generator.hasNext());
    assertThrows(NoSuchElementException.class, generator::next);
    assertNull(generator.completed().get());
  }

  @Test
  void aRefIsReadyBeforeTheTaskEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ObjectRefGenerator<Integer> generator = ray.task((Integer n) -> upTo(n).map(i -> {
      if (i == 1) {
        awaitInProducer(release);  // the producer blocks after value 0
      }
      return i;
    }), 3).remoteGenerator();
    ObjectRef<Integer> first = generator.next();
    assertTrue(first.isReady());
    assertEquals(0, first.get());
    assertFalse(generator.completed().isReady(), "the producer is still blocked before value 1");
    release.countDown();
    assertEquals(List.of(1, 2), values(generator));
  }

  @Test
  void iteratorsAndIterablesGenerateToo() {
    ObjectRefGenerator<String> fromIterable = ray.task(() -> List.of("a", "b")).remoteGenerator();
    assertEquals(List.of("a", "b"), values(fromIterable));
    ObjectRefGenerator<String> fromIterator = ray.task(() -> List.of("c").iterator()).remoteGenerator();
    assertEquals(List.of("c"), values(fromIterator));
  }

  /** Each pull of value k checks that fewer than {@code bound} values wait unconsumed. */
  @ParameterizedTest(name = "bound set {0}")
  @ValueSource(strings = {"per call", "by the builder"})
  void backPressure_keepsTheProducerAtMostTheBoundAhead(String where) {
    int bound = 3;
    if (where.equals("by the builder")) {
      ray.close();
      ray = Raylite.builder().cpus(2).dashboard(false).generatorBackpressure(bound).build();
    }
    AtomicInteger consumptionsStarted = new AtomicInteger();
    AtomicInteger maxAhead = new AtomicInteger();
    TaskCall<Stream<Integer>> call = ray.task((Integer n) -> upTo(n).peek(
        k -> maxAhead.accumulateAndGet(k - consumptionsStarted.get(), Math::max)), 40);
    ObjectRefGenerator<Integer> generator = (where.equals("per call") ? call.generatorBackpressure(bound) : call)
        .remoteGenerator();
    List<Integer> seen = new ArrayList<>();
    while (true) {
      consumptionsStarted.incrementAndGet();  // counted before next, so the check can only be too lenient by none
      if (!generator.hasNext()) {
        break;
      }
      seen.add(generator.next().get());
    }
    assertEquals(IntStream.range(0, 40).boxed().toList(), seen);
    // Value k is pulled only once k - consumed < bound, and consumed <= consumptionsStarted.
    assertTrue(maxAhead.get() < bound, "producer ran " + maxAhead.get() + " values ahead");
  }

  @Test
  void backPressure_blocksTheProducerUntilAValueIsConsumed() throws Exception {
    List<CountDownLatch> pulled = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
    ObjectRefGenerator<Integer> generator = ray.task((Integer n) -> upTo(n).peek(k -> pulled.get(k).countDown()), 3)
        .generatorBackpressure(2).remoteGenerator();
    await(pulled.get(1));
    assertEquals(0, generator.next().get());  // makes room for value 2
    await(pulled.get(2));
    assertEquals(List.of(1, 2), values(generator));
  }

  @Test
  void aFailureMidStream_endsTheIterationWithTheTasksException_afterTheProducedValues() {
    ObjectRefGenerator<Integer> generator = ray.task((Integer n) -> upTo(n).map(i -> {
      if (i == 3) {
        throw new IllegalStateException("broke at " + i);
      }
      return i;
    }), 10).name("breaks").remoteGenerator();
    List<Integer> seen = new ArrayList<>();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> {
      while (generator.hasNext()) {
        seen.add(generator.next().get());
      }
    });
    assertEquals(List.of(0, 1, 2), seen);
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertEquals("broke at 3", e.getCause().getMessage());
    assertTrue(e.getMessage().contains("'breaks'"), e.getMessage());
    assertThrows(TaskFailedException.class, generator::hasNext, "the end stays a failure");
    assertThrows(TaskFailedException.class, () -> generator.completed().get());
  }

  @Test
  void closing_stopsTheProducer_andReleasesUnconsumedValues() throws Exception {
    CountDownLatch streamClosed = new CountDownLatch(1);
    ObjectRefGenerator<byte[]> generator = ray.task(() -> Stream.iterate(0, i -> i + 1)
        .map(i -> new byte[4096]).onClose(streamClosed::countDown)).generatorBackpressure(2).remoteGenerator();
    assertEquals(4096, generator.next().get().length);
    generator.close();
    await(streamClosed);
    assertThrows(TaskCancelledException.class, () -> generator.completed().get());
    assertFalse(generator.hasNext(), "a closed generator has no more values");
    // Only the value handed out can still be in the store.
    assertTrue(ray.state().objects().total() <= 1, ray.state().objects().toString());
  }

  @Test
  void cancellingTheTask_endsTheIterationWithTaskCancelledException() throws Exception {
    CountDownLatch pulledThird = new CountDownLatch(1);
    ObjectRefGenerator<Integer> generator = ray.task(() -> Stream.iterate(0, i -> i + 1).peek(i -> {
      if (i == 2) {
        pulledThird.countDown();
      }
    })).generatorBackpressure(3).remoteGenerator();
    await(pulledThird);  // values 0 and 1 are stored: each value is pulled after the one before is stored
    assertTrue(ray.cancel(generator.completed(), false));
    assertEquals(0, generator.next().get(), "values produced before the cancel are still handed out");
    assertEquals(1, generator.next().get());
    assertThrows(TaskCancelledException.class, () -> {
      while (generator.hasNext()) {
        generator.next();  // value 2, if it was stored before the cancel
      }
    });
  }

  @Test
  void aForcedCancel_interruptsAProducerBlockedInItsOwnCode() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ObjectRefGenerator<Integer> generator = ray.task(() -> Stream.iterate(0, i -> i + 1).peek(i -> {
      if (i == 1) {
        try {
          blocked.countDown();
          never.await();
        } catch (InterruptedException e) {
          interrupted.countDown();
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    })).remoteGenerator();
    assertEquals(0, generator.next().get());
    await(blocked);  // in the function's own code, where only an interrupt reaches it
    assertTrue(ray.cancel(generator.completed(), true));
    await(interrupted);
    assertThrows(TaskCancelledException.class, generator::hasNext);
  }

  @Test
  void closingTheRuntime_failsAWaitingConsumer_andDoesNotHang() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    ObjectRefGenerator<Integer> generator = ray.task(() -> Stream.iterate(0, i -> i + 1).map(i -> {
      if (i == 1) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      return i;
    })).remoteGenerator();
    assertEquals(0, generator.next().get());
    CompletableFuture<Throwable> consumer = CompletableFuture.supplyAsync(() -> {
      try {
        generator.hasNext();
        return null;
      } catch (RuntimeException e) {
        return e;
      }
    });
    ray.close();
    assertInstanceOf(TaskCancelledException.class, consumer.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aTaskConsumingAGenerator_lendsItsCpuToTheProducer() {
    ray.close();
    ray = Raylite.builder().cpus(1).dashboard(false).build();
    ObjectRef<Integer> sum = ray.task(() -> {
      int total = 0;
      for (ObjectRef<Integer> ref : Raylite.current().task(StreamingGeneratorTest::upTo, 5)
          .generatorBackpressure(1).<Integer>remoteGenerator()) {
        total += ref.get();
      }
      return total;
    }).remote();
    assertEquals(10, sum.get());
  }

  @Test
  void aRetriedGenerator_skipsTheValuesAlreadyProduced() {
    AtomicInteger attempts = new AtomicInteger();
    ObjectRefGenerator<Integer> generator = ray.task(() -> {
      int attempt = attempts.getAndIncrement();
      return upTo(5).map(i -> {
        if (attempt == 0 && i == 3) {
          throw new IllegalStateException("transient");
        }
        return i;
      });
    }).maxRetries(1).retryExceptions(IllegalStateException.class).remoteGenerator();
    assertEquals(List.of(0, 1, 2, 3, 4), values(generator));
    assertEquals(2, attempts.get());
  }

  @Test
  void aVoidMethod_isRefusedAtTheCall() {
    ActorHandle<Ticker> ticker = ray.actor(Ticker::new).remote();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ticker.task(Ticker::reset).remoteGenerator());
    assertTrue(e.getMessage().contains("StreamingGeneratorTest.Ticker.reset returns void"), e.getMessage());
  }

  @Test
  void aRuntimeWhoseTasksRunThroughABackend_refusesGeneratorsAtTheCall() {
    try (Raylite serializing = Raylite.builder().cpus(2).dashboard(false).serializeArguments(true).build()) {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> serializing.task(StreamingGeneratorTest::upTo, 3).remoteGenerator());
      assertTrue(e.getMessage().startsWith("streaming generators run in a local runtime or on a cluster"),
          e.getMessage());
    }
  }

  @Test
  void aResultThatIsNoStream_failsTheGenerator() {
    ObjectRefGenerator<Object> generator = ray.task(() -> 42).remoteGenerator();
    TaskFailedException e = assertThrows(TaskFailedException.class, generator::hasNext);
    assertTrue(e.getCause().getMessage().contains("returned a java.lang.Integer"), e.getCause().getMessage());
  }

  @Test
  void aBackPressureBelowOne_isRefusedAtTheCall() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ray.task(StreamingGeneratorTest::upTo, 3).generatorBackpressure(0));
    assertEquals("generatorBackpressure must be >= 1, got 0", e.getMessage());
  }

  static final class Ticker {
    private int ticks;

    Stream<Integer> ticks(int n) {
      return IntStream.range(0, n).mapToObj(i -> ++ticks);
    }

    Iterator<Integer> blockedAfterOne(CountDownLatch release) {
      return Stream.of(1, 2).peek(i -> {
        if (i == 2) {
          awaitInProducer(release);
        }
      }).iterator();
    }

    int ticksSoFar() {
      return ticks;
    }

    void reset() {
      ticks = 0;
    }
  }

  @Test
  void actorMethodsGenerate_andRunInTheActorsOrder() {
    ActorHandle<Ticker> ticker = ray.actor(Ticker::new).remote();
    ObjectRefGenerator<Integer> first = ticker.task(Ticker::ticks, 3).remoteGenerator();
    ObjectRefGenerator<Integer> second = ticker.task(Ticker::ticks, 2).remoteGenerator();
    assertEquals(List.of(1, 2, 3), values(first));
    assertEquals(List.of(4, 5), values(second));
    assertEquals(5, ticker.task(Ticker::ticksSoFar).remote().get());
  }

  @Test
  void anActorMethodsRefIsReadyBeforeTheCallEnds() throws Exception {
    ActorHandle<Ticker> ticker = ray.actor(Ticker::new).remote();
    CountDownLatch release = new CountDownLatch(1);
    ObjectRefGenerator<Integer> generator = ticker.task(Ticker::blockedAfterOne, release).remoteGenerator();
    assertEquals(1, generator.next().get());
    assertFalse(generator.completed().isReady());
    release.countDown();
    assertEquals(List.of(2), values(generator));
  }

  @Test
  void theTimelineShowsEachValueOnTheProducersRow(@TempDir Path dir) throws Exception {
    ObjectRefGenerator<Integer> generator = ray.task(StreamingGeneratorTest::upTo, 3).name("counting")
        .remoteGenerator();
    List<String> ids = new ArrayList<>();
    for (ObjectRef<Integer> ref : generator) {
      ids.add(ref.id());
    }
    generator.completed().get();
    Path file = dir.resolve("timeline.json");
    ray.timeline(file);
    List<String> lines = Files.readAllLines(file);
    String task = lines.stream().filter(l -> l.contains("\"cat\":\"task\"") && l.contains("\"name\":\"counting\""))
        .findFirst().orElseThrow(() -> new AssertionError(String.join("\n", lines)));
    String row = tid(task);
    List<String> items = lines.stream().filter(l -> l.contains("\"cat\":\"generator_item\"")).toList();
    assertEquals(3, items.size(), String.join("\n", lines));
    for (int i = 0; i < 3; i++) {
      String item = items.get(i);
      assertTrue(item.contains("\"name\":\"counting item " + i + "\"") && item.contains("\"ph\":\"i\"")
          && item.contains("\"object_id\":\"" + ids.get(i) + "\""), item);
      assertEquals(row, tid(item), "values are drawn on the producer's row");
    }
  }

  private static String tid(String line) {
    Matcher m = Pattern.compile("\"tid\":(-?\\d+)").matcher(line);
    assertTrue(m.find(), line);
    return m.group(1);
  }

  @Test
  void theStateApiListsStoredValuesWithTheGeneratorAsProducer() {
    ObjectRefGenerator<byte[]> generator = ray.task(() -> Stream.generate(() -> new byte[2048]).limit(2))
        .name("blobs").remoteGenerator();
    List<ObjectRef<byte[]>> refs = new ArrayList<>();
    generator.forEachRemaining(refs::add);
    String taskId = ray.state().tasks(StateFilter.name("blobs"), 10).rows().get(0).taskId();
    List<ObjectInfo> objects = ray.state().objects().rows();
    for (ObjectRef<byte[]> ref : refs) {
      assertTrue(objects.stream().anyMatch(o -> o.objectId().equals(ref.id()) && o.producer().equals(taskId)),
          objects + " lacks " + ref.id() + " by " + taskId);
    }
  }
}
