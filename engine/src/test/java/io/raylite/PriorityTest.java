package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Task and actor call priorities: higher first among what could start, FIFO among equals, strict. */
@Timeout(60)
class PriorityTest {

  static int hold(CountDownLatch started, CompletableFuture<Void> gate) throws Exception {
    started.countDown();
    gate.get(30, TimeUnit.SECONDS);
    return 0;
  }

  static String record(ConcurrentLinkedQueue<String> order, String label) {
    order.add(label);
    return label;
  }

  /** Runs {@code submit} while a task holds the runtime's only CPU, then lets everything run. */
  private static List<String> orderWhileBlocked(Raylite ray, java.util.function.Consumer<List<ObjectRef<?>>> submit,
      ConcurrentLinkedQueue<String> order) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    ObjectRef<Integer> blocker = ray.task(PriorityTest::hold, started, gate).remote();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    List<ObjectRef<?>> refs = new ArrayList<>();
    submit.accept(refs);
    gate.complete(null);
    ray.get(blocker);
    for (ObjectRef<?> ref : refs) {
      ray.get(ref);
    }
    return List.copyOf(order);
  }

  @Test
  void higherPriorityStartsFirst_withinAShape() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
      List<String> ran = orderWhileBlocked(ray, refs -> {
        refs.add(ray.task(PriorityTest::record, order, "low-1").remote());
        refs.add(ray.task(PriorityTest::record, order, "low-2").remote());
        refs.add(ray.task(PriorityTest::record, order, "high-1").priority(5).remote());
        refs.add(ray.task(PriorityTest::record, order, "high-2").priority(5).remote());
        refs.add(ray.task(PriorityTest::record, order, "higher").priority(9).remote());
      }, order);
      assertEquals(List.of("higher", "high-1", "high-2", "low-1", "low-2"), ran);
    }
  }

  @Test
  void higherPriorityStartsFirst_acrossShapes() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).resource("slot", 1).dashboard(false).build()) {
      ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
      List<String> ran = orderWhileBlocked(ray, refs -> {
        refs.add(ray.task(PriorityTest::record, order, "plain").remote());
        refs.add(ray.task(PriorityTest::record, order, "slotted").resource("slot", 1).priority(1).remote());
      }, order);
      assertEquals(List.of("slotted", "plain"), ran);
    }
  }

  @Test
  void negativePriorityStartsAfterTheDefault() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
      List<String> ran = orderWhileBlocked(ray, refs -> {
        refs.add(ray.task(PriorityTest::record, order, "background").priority(-1).remote());
        refs.add(ray.task(PriorityTest::record, order, "normal").remote());
        refs.add(ray.task(PriorityTest::record, order, "lowest").priority(-7).remote());
      }, order);
      assertEquals(List.of("normal", "background", "lowest"), ran);
    }
  }

  @Test
  void equalPrioritiesKeepSubmissionOrder() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
      List<String> expected = new ArrayList<>();
      List<String> ran = orderWhileBlocked(ray, refs -> {
        for (int i = 0; i < 20; i++) {
          expected.add("t" + i);
          refs.add(ray.task(PriorityTest::record, order, "t" + i).priority(3).remote());
        }
      }, order);
      assertEquals(expected, ran);
    }
  }

  /** Records itself, then submits the next of a stream of {@code left} more high-priority tasks. */
  static String stream(ConcurrentLinkedQueue<String> order, int left) {
    order.add("high");
    if (left > 0) {
      Raylite.context().runtime().task(PriorityTest::stream, order, left - 1).priority(1).remote();
    }
    return "high";
  }

  @Test
  void steadyHighPriorityStream_starvesLowerPriorityUntilItEnds() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
      List<String> ran = orderWhileBlocked(ray, refs -> {
        refs.add(ray.task(PriorityTest::record, order, "low").remote());
        ray.task(PriorityTest::stream, order, 29).priority(1).remote();
        refs.add(ray.task(PriorityTest::record, order, "later").remote());
      }, order);
      // Priority is strict (no aging): the 30 high-priority tasks, each submitted by the one before
      // while the default-priority ones wait, all run first.
      List<String> expected = new ArrayList<>(java.util.Collections.nCopies(30, "high"));
      expected.add("low");
      expected.add("later");
      assertEquals(expected, ran);
    }
  }

  static final class Recorder {
    private final List<String> order = new ArrayList<>();

    int hold(CountDownLatch started, CompletableFuture<Void> gate) throws Exception {
      return PriorityTest.hold(started, gate);
    }

    String record(String label) {
      order.add(label);
      return label;
    }

    List<String> order() {
      return List.copyOf(order);
    }
  }

  @Test
  void actorCalls_runByPriorityThenSubmissionOrder() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).dashboard(false).build()) {
      ActorHandle<Recorder> recorder = ray.actor(Recorder::new).remote();
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<Integer> busy = recorder.task(Recorder::hold, started, gate).remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      recorder.task(Recorder::record, "a").remote();
      recorder.task(Recorder::record, "background").priority(-1).remote();
      recorder.task(Recorder::record, "urgent-1").priority(5).remote();
      recorder.task(Recorder::record, "b").remote();
      recorder.task(Recorder::record, "urgent-2").priority(5).remote();
      gate.complete(null);
      ray.get(busy);
      assertEquals(List.of("urgent-1", "urgent-2", "a", "b", "background"),
          ray.get(recorder.task(Recorder::order).priority(-9).remote()));
    }
  }

  @Test
  void priority_survivesTaskOptionsToBuilder() {
    TaskOptions options = TaskOptions.builder().priority(4).build();
    assertEquals(4, options.toBuilder().build().priority());
    assertEquals(0, TaskOptions.defaults().priority());
  }
}
