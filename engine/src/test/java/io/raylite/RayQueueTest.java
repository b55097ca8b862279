package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RayQueue}: Ray's ray.util.queue.Queue, held by an actor. */
@Timeout(60)
class RayQueueTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stop() {
    ray.close();
    callers.close();
  }

  static Void produce(RayQueue<Integer> queue, int from, int count) {
    for (int i = from; i < from + count; i++) {
      queue.put(i);
    }
    return null;
  }

  static List<Integer> consume(RayQueue<Integer> queue, int count) {
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      taken.add(queue.get());
    }
    return taken;
  }

  @Test
  void get_returnsItemsInTheOrderTheyWerePut() {
    RayQueue<String> queue = new RayQueue<>(ray, 0);
    queue.put("a");
    queue.put("b");
    queue.putNowait("c");
    assertEquals(List.of("a", "b", "c"), List.of(queue.get(), queue.getNowait(), queue.get(Duration.ofSeconds(30))));
  }

  @Test
  void get_onAnEmptyQueue_returnsTheItemPutLater() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    CompletableFuture<String> taken = CompletableFuture.supplyAsync(queue::get, callers);
    queue.put("late");
    assertEquals("late", taken.join());
  }

  @Test
  void put_onAFullQueue_addsTheItemOnceAGetMakesRoom() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    queue.put("first");
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> queue.put("second"), callers);
    assertEquals("first", queue.get());
    second.join();
    assertEquals("second", queue.get());
  }

  @Test
  void putNowait_onAFullQueue_throwsQueueFullException() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    queue.putNowait("only");
    assertThrows(QueueFullException.class, () -> queue.putNowait("one too many"));
  }

  @Test
  void getNowait_onAnEmptyQueue_throwsQueueEmptyException() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    assertThrows(QueueEmptyException.class, queue::getNowait);
  }

  @Test
  void get_withATimeout_onAnEmptyQueue_throwsQueueEmptyException() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    assertThrows(QueueEmptyException.class, () -> queue.get(Duration.ofMillis(20)));
  }

  @Test
  void put_withATimeout_onAFullQueue_throwsQueueFullException_withoutAddingTheItem() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    queue.put("kept");
    assertThrows(QueueFullException.class, () -> queue.put("dropped", Duration.ofMillis(20)));
    assertEquals("kept", queue.get());
    assertThrows(QueueEmptyException.class, queue::getNowait);
  }

  @Test
  void anItemPutAfterAGetTimedOut_staysInTheQueue() {
    RayQueue<String> queue = new RayQueue<>(ray, 2);
    assertThrows(QueueEmptyException.class, () -> queue.get(Duration.ofMillis(20)));
    queue.put("x");
    assertEquals(1, queue.size());
    assertEquals("x", queue.get());
  }

  @Test
  void sizeIsEmptyAndIsFull_describeTheQueueNow() {
    RayQueue<String> queue = new RayQueue<>(ray, 2);
    assertTrue(queue.isEmpty());
    queue.put("a");
    assertEquals(1, queue.size());
    assertFalse(queue.isFull());
    queue.put("b");
    assertTrue(queue.isFull());
    assertFalse(queue.isEmpty());
  }

  @Test
  void anUnboundedQueue_isNeverFull() {
    RayQueue<Integer> queue = new RayQueue<>(ray, 0);
    IntStream.range(0, 100).forEach(queue::putNowait);
    assertFalse(queue.isFull());
    assertEquals(100, queue.size());
  }

  @Test
  void producersAndConsumersInTasks_passEveryItemExactlyOnce() {
    RayQueue<Integer> queue = new RayQueue<>(ray, 3);
    List<ObjectRef<List<Integer>>> consumers = List.of(
        ray.task(RayQueueTest::consume, queue, 50).remote(), ray.task(RayQueueTest::consume, queue, 50).remote());
    List<ObjectRef<Void>> producers = IntStream.range(0, 4)
        .mapToObj(p -> ray.task(RayQueueTest::produce, queue, p * 25, 25).remote()).toList();
    ray.get(producers);
    List<Integer> taken = new ArrayList<>();
    ray.get(consumers).forEach(taken::addAll);
    taken.sort(null);
    assertEquals(IntStream.range(0, 100).boxed().toList(), taken);
  }

  @Test
  void aTaskWaitingInGet_lendsItsCpu_soThatAProducerTaskCanRun() {
    try (Raylite oneCpu = Raylite.builder().cpus(1).build()) {
      RayQueue<Integer> queue = new RayQueue<>(oneCpu, 1);
      ObjectRef<List<Integer>> consumer = oneCpu.task(RayQueueTest::consume, queue, 3).remote();
      ObjectRef<Void> producer = oneCpu.task(RayQueueTest::produce, queue, 0, 3).remote();
      oneCpu.get(producer);
      assertEquals(List.of(0, 1, 2), oneCpu.get(consumer));
    }
  }

  @Test
  void shutdown_failsAWaitingGetWithActorDiedException() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    CompletableFuture<String> taken = CompletableFuture.supplyAsync(queue::get, callers);
    queue.shutdown();
    CompletionException e = assertThrows(CompletionException.class, taken::join);
    assertInstanceOf(ActorDiedException.class, e.getCause());
  }

  @Test
  void shutdown_failsAWaitingPutWithActorDiedException() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    queue.put("full");
    CompletableFuture<Void> put = CompletableFuture.runAsync(() -> queue.put("waits"), callers);
    queue.shutdown();
    CompletionException e = assertThrows(CompletionException.class, put::join);
    assertInstanceOf(ActorDiedException.class, e.getCause());
  }

  @Test
  void closingTheRuntime_failsAWaitingGetInsteadOfLeavingItWaiting() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    CompletableFuture<String> taken = CompletableFuture.supplyAsync(queue::get, callers);
    ray.close();
    CompletionException e = assertThrows(CompletionException.class, taken::join);
    assertInstanceOf(RayliteException.class, e.getCause());
  }

  @Test
  void aNegativeMaxSize_isRejectedNamingTheArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RayQueue<String>(ray, -1));
    assertTrue(e.getMessage().contains("maxSize"), e.getMessage());
  }

  @Test
  void aNegativeTimeout_isRejectedNamingTheArgument() {
    RayQueue<String> queue = new RayQueue<>(ray, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> queue.get(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("timeout"), e.getMessage());
  }
}
