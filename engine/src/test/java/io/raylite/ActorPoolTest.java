package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ActorPool}: Ray's ray.util.ActorPool over actor handles. */
@Timeout(60)
class ActorPoolTest {

  static final class Doubler {
    Doubler() {}

    int twice(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("negative: " + n);
      }
      return 2 * n;
    }

    /** Doubles {@code n} once {@code gate} completes. */
    int twiceAfter(CompletableFuture<Void> gate, int n) throws Exception {
      gate.get();  // interruptible, so that close() can end the call
      return 2 * n;
    }

    void waitFor(CompletableFuture<Void> gate) {
      gate.join();
    }
  }

  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void stop() {
    ray.close();
  }

  private List<ActorHandle<Doubler>> actors(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> ray.actor(Doubler::new).remote()).toList();
  }

  private static ObjectRef<Integer> twice(ActorHandle<Doubler> actor, int n) {
    return actor.task(Doubler::twice, n).remote();
  }

  @Test
  void map_returnsResultsInTheOrderOfTheValues() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(2));
    assertEquals(List.of(2, 4, 6, 8, 10), pool.map(ActorPoolTest::twice, List.of(1, 2, 3, 4, 5)).toList());
  }

  @Test
  void mapUnordered_returnsEveryResult() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(3));
    assertEquals(Set.of(2, 4, 6, 8, 10),
        pool.mapUnordered(ActorPoolTest::twice, List.of(1, 2, 3, 4, 5)).collect(Collectors.toSet()));
  }

  @Test
  void getNext_returnsTheFirstSubmission_whenALaterOneFinishesFirst() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(2));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    AtomicReference<ObjectRef<Integer>> second = new AtomicReference<>();
    pool.submit((a, n) -> a.task(Doubler::twiceAfter, gate, n).remote(), 1);
    pool.submit((a, n) -> { second.set(twice(a, n)); return second.get(); }, 2);
    ray.get(second.get());  // the second call has finished; the first waits for its gate
    gate.complete(null);
    assertEquals(2, pool.getNext());
    assertEquals(4, pool.getNext());
  }

  @Test
  void getNextUnordered_returnsTheFirstResultToBeReady() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(2));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    pool.submit((a, n) -> a.task(Doubler::twiceAfter, gate, n).remote(), 1);
    pool.submit(ActorPoolTest::twice, 2);
    assertEquals(4, pool.getNextUnordered());
    gate.complete(null);
    assertEquals(2, pool.getNextUnordered());
    assertFalse(pool.hasNext());
  }

  @Test
  void submit_withEveryActorBusy_startsTheCallOnlyWhenAResultIsRead() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(1));
    AtomicInteger started = new AtomicInteger();
    pool.submit((a, n) -> { started.incrementAndGet(); return twice(a, n); }, 1);
    pool.submit((a, n) -> { started.incrementAndGet(); return twice(a, n); }, 2);
    assertEquals(1, started.get());
    assertFalse(pool.hasFree());
    assertEquals(2, pool.getNext());
    assertEquals(2, started.get());
    assertEquals(4, pool.getNext());
    assertTrue(pool.hasFree());
  }

  @Test
  void getNext_onAFailedCall_throwsTaskFailedExceptionWithTheCause_andThePoolGoesOn() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(1));
    pool.submit(ActorPoolTest::twice, -1);
    pool.submit(ActorPoolTest::twice, 3);
    TaskFailedException e = assertThrows(TaskFailedException.class, pool::getNext);
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals(6, pool.getNext());
  }

  @Test
  void map_throwsAtTheFailedValue_afterTheResultsBeforeIt() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(2));
    var results = pool.map(ActorPoolTest::twice, List.of(1, -2, 3)).iterator();
    assertEquals(2, results.next());
    assertThrows(TaskFailedException.class, results::next);
    assertEquals(6, results.next());
  }

  @Test
  void getNext_withATimeout_throwsGetTimeoutException_andKeepsTheResultForLater() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(1));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    pool.submit((a, n) -> a.task(Doubler::twiceAfter, gate, n).remote(), 5);
    assertThrows(GetTimeoutException.class, () -> pool.getNext(Duration.ofMillis(20)));
    gate.complete(null);
    assertEquals(10, pool.getNext(Duration.ofSeconds(30)));
  }

  @Test
  void getNextUnordered_withATimeout_throwsGetTimeoutException_andKeepsTheResultForLater() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(1));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    pool.submit((a, n) -> a.task(Doubler::twiceAfter, gate, n).remote(), 5);
    assertThrows(GetTimeoutException.class, () -> pool.getNextUnordered(Duration.ofMillis(20)));
    gate.complete(null);
    assertEquals(10, pool.getNextUnordered(Duration.ofSeconds(30)));
  }

  @Test
  void getNext_withNothingSubmitted_throwsNoSuchElementException() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(1));
    assertThrows(NoSuchElementException.class, pool::getNext);
  }

  @Test
  void getNext_afterGetNextUnorderedReadALaterResult_throwsIllegalStateException() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(2));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    pool.submit((a, n) -> a.task(Doubler::twiceAfter, gate, n).remote(), 1);
    pool.submit(ActorPoolTest::twice, 2);
    assertEquals(4, pool.getNextUnordered());
    try {
      assertThrows(IllegalStateException.class, pool::getNext);
    } finally {
      gate.complete(null);
    }
  }

  @Test
  void map_dropsTheUnreadResultsOfEarlierSubmissions() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(1));
    pool.submit(ActorPoolTest::twice, 100);
    pool.submit(ActorPoolTest::twice, 200);
    assertEquals(List.of(2), pool.map(ActorPoolTest::twice, List.of(1)).toList());
  }

  @Test
  void getNext_onACancelledCall_throwsTaskCancelledException() {
    ActorHandle<Doubler> actor = actors(1).getFirst();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    ObjectRef<Void> blocker = actor.task(Doubler::waitFor, gate).remote();  // the pool's call queues behind it
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, List.of(actor));
    AtomicReference<ObjectRef<Integer>> submitted = new AtomicReference<>();
    pool.submit((a, n) -> { submitted.set(twice(a, n)); return submitted.get(); }, 1);
    assertTrue(ray.cancel(submitted.get(), false));
    assertThrows(TaskCancelledException.class, pool::getNext);
    gate.complete(null);
    ray.get(blocker);
  }

  @Test
  void getNext_afterThePoolsActorIsKilled_throwsActorDiedException() {
    ActorHandle<Doubler> actor = actors(1).getFirst();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, List.of(actor));
    pool.submit((a, n) -> a.task(Doubler::twiceAfter, gate, n).remote(), 1);
    ray.kill(actor);
    assertThrows(ActorDiedException.class, pool::getNext);
    gate.complete(null);
  }

  @Test
  void getNext_afterTheRuntimeCloses_throwsARayliteExceptionInsteadOfHanging() {
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, actors(1));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    pool.submit((a, n) -> a.task(Doubler::twiceAfter, gate, n).remote(), 1);
    ray.close();
    assertThrows(RayliteException.class, pool::getNext);
  }

  @Test
  void constructor_withNoActors_throwsIllegalArgumentException() {
    assertThrows(IllegalArgumentException.class, () -> new ActorPool<Doubler, Integer>(ray, List.of()));
  }

  @Test
  void popIdle_andPush_takeAnActorOutOfThePoolAndBackIn() {
    ActorHandle<Doubler> actor = actors(1).getFirst();
    ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, List.of(actor));
    assertEquals(actor, pool.popIdle().orElseThrow());
    assertFalse(pool.hasFree());
    pool.push(actor);
    assertThrows(IllegalArgumentException.class, () -> pool.push(actor));
    assertEquals(List.of(2), pool.map(ActorPoolTest::twice, List.of(1)).toList());
  }
}
