package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** numReturns(n): one ref per returned value, on tasks and actor calls, as Ray's num_returns. */
@Timeout(60)
class MultipleReturnsTest {
  private final Raylite ray = Raylite.builder().cpus(2).dashboard(false).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static List<Object> three(int x) {
    return List.of(x, "x=" + x, x * 1.5);
  }

  static int[] pair(int x) {
    return new int[] {x, -x};
  }

  @Test
  void eachRefHoldsItsValue_andIsReadyWhenTheTaskEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<ObjectRef<Object>> refs = ray.task((Integer x) -> {
      assertTrue(release.await(30, TimeUnit.SECONDS));
      return three(x);
    }, 4).numReturns(3).remote();
    assertEquals(3, refs.size());
    for (ObjectRef<Object> ref : refs) {
      assertFalse(ref.isReady(), "no value is ready before the task ends");
    }
    release.countDown();
    assertEquals(List.of(4, "x=4", 6.0), ray.get(refs));
  }

  @Test
  void refsAreTypedByTheAssignment() {
    List<ObjectRef<Integer>> refs = ray.task(MultipleReturnsTest::pair, 7).numReturns(2).remote();
    int sum = refs.get(0).get() + refs.get(1).get();
    assertEquals(0, sum);
  }

  @Test
  void aResultOfTheWrongLength_failsEveryRefWithAClearMessage() {
    List<ObjectRef<Object>> refs = ray.task(MultipleReturnsTest::three, 1).name("three").numReturns(2).remote();
    for (ObjectRef<Object> ref : refs) {
      TaskFailedException e = assertThrows(TaskFailedException.class, ref::get);
      assertTrue(e.getMessage().contains("'three'"), e.getMessage());
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("numReturns is 2")
          && e.getCause().getMessage().contains("returned 3 values"), e.getCause().getMessage());
    }
  }

  @Test
  void aResultThatIsNoListOrArray_failsEveryRef() {
    List<ObjectRef<Object>> refs = ray.task(() -> 42).numReturns(2).remote();
    for (ObjectRef<Object> ref : refs) {
      TaskFailedException e = assertThrows(TaskFailedException.class, ref::get);
      assertTrue(e.getCause().getMessage().contains("returned a java.lang.Integer"), e.getCause().getMessage());
    }
  }

  @Test
  void aFailingTask_failsEveryRefWithItsOriginalException() {
    List<ObjectRef<Object>> refs = ray.task(() -> {
      throw new IllegalArgumentException("bad input");
    }).numReturns(3).remote();
    for (ObjectRef<Object> ref : refs) {
      TaskFailedException e = assertThrows(TaskFailedException.class, ref::get);
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertEquals("bad input", e.getCause().getMessage());
    }
  }

  @Test
  void numReturnsOne_givesTheWholeResult_asAPlainCall() {
    List<ObjectRef<List<Integer>>> refs = ray.task(() -> List.of(1, 2)).numReturns(1).remote();
    assertEquals(1, refs.size());
    assertEquals(List.of(1, 2), refs.get(0).get());
  }

  @Test
  void numReturnsBelowOne_failsAtTheCall() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ray.task(() -> List.of()).numReturns(0));
    assertEquals("numReturns must be >= 1, got 0", e.getMessage());
  }

  @Test
  void partsArePassedToOtherTasksAsArguments() {
    List<ObjectRef<Integer>> refs = ray.task(MultipleReturnsTest::pair, 5).numReturns(2).remote();
    ObjectRef<Integer> diff = ray.task((Integer a, Integer b) -> a - b, refs.get(0), refs.get(1)).remote();
    assertEquals(10, diff.get());
  }

  @Test
  void cancellingOnePart_cancelsTheTask_andFailsEveryPart() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<ObjectRef<Object>> refs = ray.task(() -> {
      started.countDown();
      never.await();
      return List.of(1, 2);
    }).numReturns(2).remote();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    assertTrue(ray.cancel(refs.get(1), true));
    for (ObjectRef<Object> ref : refs) {
      assertThrows(TaskCancelledException.class, ref::get);
    }
  }

  /** A runtime whose tasks go through a TaskBackend (as on a cluster) checks results where they arrive. */
  @Test
  void throughATaskBackend_aWrongLengthStillFailsEveryRefNamingTheTask() {
    try (Raylite serializing = Raylite.builder().cpus(2).dashboard(false).serializeArguments(true).build()) {
      List<ObjectRef<Integer>> refs = serializing.task(MultipleReturnsTest::pair, 3).numReturns(2).remote();
      assertEquals(List.of(3, -3), serializing.get(refs));
      List<ObjectRef<Integer>> wrong = serializing.task(MultipleReturnsTest::pair, 3).name("pair").numReturns(3)
          .remote();
      for (ObjectRef<Integer> ref : wrong) {
        TaskFailedException e = assertThrows(TaskFailedException.class, ref::get);
        assertTrue(e.getMessage().startsWith("task 'pair' ("), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("returned 2 values"), e.getCause().getMessage());
      }
    }
  }

  static final class Splitter {
    private int calls;

    Object[] split(String csv) {
      calls++;
      return csv.split(",");
    }

    int calls() {
      return calls;
    }
  }

  @Test
  void actorCalls_returnSeveralValues() {
    ActorHandle<Splitter> splitter = ray.actor(Splitter::new).remote();
    List<ObjectRef<String>> refs = splitter.task(Splitter::split, "a,b,c").numReturns(3).remote();
    assertEquals(List.of("a", "b", "c"), ray.get(refs));
    List<ObjectRef<String>> wrong = splitter.task(Splitter::split, "a,b").numReturns(3).remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> wrong.get(2).get());
    assertTrue(e.getCause().getMessage().contains("returned 2 values"), e.getCause().getMessage());
    assertEquals(2, splitter.task(Splitter::calls).remote().get(), "a call with several returns runs once");
  }
}
