package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.ObjectRefGenerator;
import io.raylite.Raylite;
import io.raylite.TaskCancelledException;
import io.raylite.TaskFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code python/ray/tests/test_streaming_generator.py}: a Python generator's
 * {@code yield} is a returned {@code Stream} here (README, "Several return values and streaming
 * generators"); Python's {@code StopIteration} is {@link NoSuchElementException}.
 */
@Timeout(60)
class RayStreamingGeneratorTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static Stream<Integer> numbers(int n) {
    return IntStream.range(0, n).boxed();
  }

  static Stream<Integer> failAfter(int n) {
    return IntStream.rangeClosed(0, n).mapToObj(i -> {
      if (i == n) {
        throw new IllegalStateException("failed at " + i);
      }
      return i;
    });
  }

  static Stream<Integer> blockAfterFirst(CountDownLatch produced) {
    return IntStream.range(0, 1000).boxed().peek(i -> {
      if (i == 1) {
        produced.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    });
  }

  static final class Producer {
    Stream<String> words(int n) {
      return IntStream.range(0, n).mapToObj(i -> "w" + i);
    }
  }

  private static <T> List<T> drain(ObjectRefGenerator<T> generator) {
    List<T> values = new ArrayList<>();
    for (ObjectRef<T> ref : generator) {
      values.add(ref.get());
    }
    return values;
  }

  @Test
  void aGeneratorTask_handsOutEveryValueInOrder_thenEnds() {
    try (ObjectRefGenerator<Integer> generator = ray.task(RayStreamingGeneratorTest::numbers, 5).remoteGenerator()) {
      assertEquals(List.of(0, 1, 2, 3, 4), drain(generator));
      assertFalse(generator.hasNext());
      assertThrows(NoSuchElementException.class, generator::next);
    }
  }

  @Test
  void anEmptyGenerator_endsAtOnce() {
    try (ObjectRefGenerator<Integer> generator = ray.task(RayStreamingGeneratorTest::numbers, 0).remoteGenerator()) {
      assertFalse(generator.hasNext());
    }
  }

  @Test
  void aGeneratorThatFails_handsOutTheValuesBefore_thenThrowsTheFailure() {
    try (ObjectRefGenerator<Integer> generator = ray.task(RayStreamingGeneratorTest::failAfter, 3).remoteGenerator()) {
      List<Integer> values = new ArrayList<>();
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> {
        while (generator.hasNext()) {
          values.add(generator.next().get());
        }
      });
      assertEquals(List.of(0, 1, 2), values);
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("failed at 3", e.getCause().getMessage());
    }
  }

  @Test
  void anActorMethodGenerator_handsOutItsValues() {
    ActorHandle<Producer> producer = ray.actor(Producer::new).remote();
    try (ObjectRefGenerator<String> generator = producer.task(Producer::words, 3).remoteGenerator()) {
      assertEquals(List.of("w0", "w1", "w2"), drain(generator));
    }
  }

  @Test
  void cancellingAGenerator_endsItWithTaskCancelledException_afterTheValuesProduced()
      throws InterruptedException {
    CountDownLatch produced = new CountDownLatch(1);
    try (ObjectRefGenerator<Integer> generator =
        ray.task(RayStreamingGeneratorTest::blockAfterFirst, produced).remoteGenerator()) {
      assertTrue(produced.await(30, TimeUnit.SECONDS));
      assertEquals(0, generator.next().get());
      assertTrue(ray.cancel(generator.completed(), true));
      assertThrows(TaskCancelledException.class, () -> {
        while (generator.hasNext()) {
          generator.next();
        }
      });
    }
  }

  @Test
  void aGeneratorsRefs_stayReadableAfterTheGeneratorIsClosed() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    try (ObjectRefGenerator<Integer> generator = ray.task(RayStreamingGeneratorTest::numbers, 3).remoteGenerator()) {
      generator.forEachRemaining(refs::add);
    }
    assertEquals(List.of(0, 1, 2), ray.get(refs));
  }
}
