package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaitTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();
  private final CompletableFuture<Integer> gate = new CompletableFuture<>();

  @AfterEach
  void close() {
    gate.complete(0);
    ray.close();
  }

  private List<ObjectRef<Integer>> mixed() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    refs.add(ray.task(() -> gate.get(10, TimeUnit.SECONDS)).numCpus(0).remote());
    refs.add(ray.put(1));
    refs.add(ray.task(() -> gate.get(10, TimeUnit.SECONDS)).numCpus(0).remote());
    refs.add(ray.put(3));
    refs.add(ray.put(4));
    return refs;
  }

  @Test
  void readyAndUnreadyKeepInputOrder() {
    List<ObjectRef<Integer>> refs = mixed();
    WaitResult<Integer> result = ray.wait(refs, 2, Duration.ofSeconds(10));
    assertEquals(List.of(refs.get(1), refs.get(3)), result.ready());
    assertEquals(List.of(refs.get(0), refs.get(2), refs.get(4)), result.unready());
  }

  @Test
  void timeoutReturnsWhatIsReady() {
    List<ObjectRef<Integer>> refs = mixed();
    WaitResult<Integer> result = ray.wait(refs, 5, Duration.ofMillis(20));
    assertEquals(List.of(refs.get(1), refs.get(3), refs.get(4)), result.ready());
    assertEquals(List.of(refs.get(0), refs.get(2)), result.unready());
  }

  @Test
  void waitReturnsWhenEnoughBecomeReady() {
    List<ObjectRef<Integer>> refs = mixed();
    CompletableFuture<WaitResult<Integer>> waiting =
        CompletableFuture.supplyAsync(() -> ray.wait(refs, 5, Duration.ofSeconds(30)));
    gate.complete(7);
    WaitResult<Integer> result = waiting.join();
    assertEquals(refs, result.ready());
    assertTrue(result.unready().isEmpty());
  }

  @Test
  void failedTasksCountAsReady() {
    ObjectRef<Integer> failing = ray.task(() -> 1 / 0).remote();
    WaitResult<Integer> result = ray.wait(List.of(failing), 1, Duration.ofSeconds(10));
    assertEquals(List.of(failing), result.ready());
  }

  @Test
  void waitInsideATaskLendsItsCpu() {
    try (Raylite one = Raylite.builder().cpus(1).build()) {
      ObjectRef<Integer> outer = one.task(() -> {
        Raylite r = Raylite.current();
        List<ObjectRef<Integer>> inner = List.of(r.task(() -> 2).remote(), r.task(() -> 3).remote());
        WaitResult<Integer> w = r.wait(inner);
        return r.get(w.ready()).stream().mapToInt(Integer::intValue).sum();
      }).remote();
      assertEquals(5, one.get(outer, Duration.ofSeconds(10)));
    }
  }

  @Test
  void repeatedRefsAreRejectedNamingBothPositions() {
    ObjectRef<Integer> one = ray.put(1);
    ObjectRef<Integer> two = ray.put(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ray.wait(List.of(one, two, one), 1, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("refs[0] and refs[2]"), e.getMessage());
  }

  @Test
  void repeatedRefsInALongListAreRejectedNamingBothPositions() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      refs.add(ray.put(i));
    }
    refs.set(700, refs.get(333));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ray.wait(refs, 1, null));
    assertTrue(e.getMessage().contains("refs[333] and refs[700]"), e.getMessage());
  }

  @Test
  void aLongListSplitsIntoReadyAndUnreadyInInputOrder() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    List<ObjectRef<Integer>> expectedReady = new ArrayList<>();
    List<ObjectRef<Integer>> expectedUnready = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      boolean open = i % 3 == 0;
      ObjectRef<Integer> ref = open ? ray.task(() -> gate.get(10, TimeUnit.SECONDS)).numCpus(0).remote() : ray.put(i);
      refs.add(ref);
      (open || expectedReady.size() == 150 ? expectedUnready : expectedReady).add(ref);
    }
    WaitResult<Integer> result = ray.wait(refs, 150, Duration.ofSeconds(10));
    assertEquals(expectedReady, result.ready());
    assertEquals(expectedUnready, result.unready());
    assertThrows(UnsupportedOperationException.class, () -> result.unready().add(refs.get(0)));
  }

  @Test
  void waitForOneOfManyReturnsTheOneThatBecameReady() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    CompletableFuture<Integer> never = new CompletableFuture<>();
    for (int i = 0; i < 100; i++) {
      CompletableFuture<Integer> until = i == 42 ? gate : never;
      refs.add(ray.task(() -> until.get(10, TimeUnit.SECONDS)).numCpus(0).remote());
    }
    CompletableFuture<WaitResult<Integer>> waiting =
        CompletableFuture.supplyAsync(() -> ray.wait(refs, 1, Duration.ofSeconds(30)));
    gate.complete(7);
    WaitResult<Integer> result = waiting.join();
    never.complete(0);
    assertEquals(List.of(refs.get(42)), result.ready());
    assertEquals(99, result.unready().size());
    assertFalse(result.unready().contains(refs.get(42)));
  }

  @Test
  void nullRefIsRejectedNamingItsPosition() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    refs.add(ray.put(1));
    refs.add(null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ray.wait(refs, 1, null));
    assertTrue(e.getMessage().startsWith("refs[1] is null"), e.getMessage());
  }
}
