package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/ActorTest.java}, with cases from
 * {@code python/ray/tests/test_actor.py} that the Java file lacks.
 */
@Timeout(60)
class RayActorTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static class Counter {
    private int value;

    Counter(int initValue) {
      this.value = initValue;
    }

    int getValue() {
      return value;
    }

    void increase(int delta) {
      value += delta;
    }

    int increaseAndGet(int delta) {
      value += delta;
      return value;
    }

    int accessLargeObject(int[] data) {
      value += data.length;
      return value;
    }

    int[] createLargeObject() {
      return new int[1024 * 1024];
    }
  }

  static final class ChildCounter extends Counter implements Named {
    ChildCounter(int initValue) {
      super(initValue);
    }

    @Override
    void increase(int delta) {
      super.increase(-delta);
    }
  }

  interface Named {
    default String interfaceName() {
      return Named.class.getName();
    }
  }

  static Counter factory(int initValue) {
    return new Counter(initValue);
  }

  static int increaseThroughHandle(ActorHandle<Counter> actor, int delta) {
    return actor.task(Counter::increaseAndGet, delta).remote().get();
  }

  static int increaseThroughHandleSecond(int delta, ActorHandle<Counter> actor) {
    return actor.task(Counter::increaseAndGet, delta).remote().get();
  }

  static int increaseThroughHandleInAList(List<ActorHandle<Counter>> actors, int delta) {
    return actors.getFirst().task(Counter::increaseAndGet, delta).remote().get();
  }

  @Test
  void anActorCreatedFromItsConstructor_answersCallsInSubmissionOrder() {
    ActorHandle<Counter> actor = ray.actor(Counter::new, 1).remote();
    assertNotNull(actor.id());
    assertEquals(1, actor.task(Counter::getValue).remote().get());
    actor.task(Counter::increase, 1).remote();
    assertEquals(3, actor.task(Counter::increaseAndGet, 1).remote().get());
  }

  @Test
  void twoActors_haveDifferentIds() {
    assertNotEquals(ray.actor(Counter::new, 1).remote().id(), ray.actor(Counter::new, 1).remote().id());
  }

  @Test
  void anActorCallsResult_canBeGotTwice() {
    ActorHandle<Counter> actor = ray.actor(Counter::new, 1).remote();
    ObjectRef<Integer> result = actor.task(Counter::getValue).remote();
    assertEquals(1, result.get());
    assertEquals(1, result.get());
    assertEquals(1, ray.get(result));
  }

  @Test
  void aLargeArgument_reachesTheActor() {
    ActorHandle<Counter> actor = ray.actor(Counter::new, 1).remote();
    int[] data = new int[1024 * 1024];
    assertEquals(data.length + 1, actor.task(Counter::accessLargeObject, data).remote().get());
  }

  @Test
  void aLargeResult_ofOneActor_canBeTheArgumentOfAnother() {
    ActorHandle<Counter> a = ray.actor(Counter::new, 0).remote();
    ActorHandle<Counter> b = ray.actor(Counter::new, 1).remote();
    ObjectRef<int[]> large = a.task(Counter::createLargeObject).remote();
    assertEquals(1024 * 1024 + 1, b.task(Counter::accessLargeObject, large).remote().get());
  }

  @Test
  void anActorCreatedFromAFactoryMethod_answersCalls() {
    ActorHandle<Counter> actor = ray.actor(RayActorTest::factory, 1).remote();
    assertEquals(1, actor.task(Counter::getValue).remote().get());
  }

  @Test
  void anActorHandle_passedToTasksAsAnyArgumentOrInsideAList_reachesTheSameActor() {
    ActorHandle<Counter> actor = ray.actor(Counter::new, 0).remote();
    assertEquals(1, ray.task(RayActorTest::increaseThroughHandle, actor, 1).remote().get());
    assertEquals(11, ray.task(RayActorTest::increaseThroughHandleSecond, 10, actor).remote().get());
    assertEquals(111, ray.task(RayActorTest::increaseThroughHandleInAList, List.of(actor), 100).remote().get());
  }

  @Test
  void anOverriddenMethod_calledThroughTheSuperclassReference_runsTheSubclassMethod() {
    ActorHandle<ChildCounter> counter = ray.actor(ChildCounter::new, 100).remote();
    counter.task(ChildCounter::increase, 10).remote();
    assertEquals(90, counter.task(ChildCounter::getValue).remote().get());
    counter.task(Counter::increase, 10).remote();
    assertEquals(80, counter.task(Counter::getValue).remote().get());
    assertEquals(Named.class.getName(), counter.task(Named::interfaceName).remote().get());
  }

  // ---------------- from test_actor.py ----------------

  static final class Holder {
    private Object held;

    void hold(Object value) {
      held = value;
    }

    Object held() {
      return held;
    }

    int failWith(String message) {
      throw new IllegalStateException(message);
    }
  }

  @Test
  void aMethodThatThrows_failsThatCallWithItsException_andLaterCallsStillRun() {
    ActorHandle<Holder> holder = ray.actor(Holder::new).remote();
    holder.task(Holder::hold, "kept").remote();
    TaskFailedException e = assertThrows(TaskFailedException.class,
        () -> holder.task(Holder::failWith, "oops").remote().get());
    assertEquals("oops", e.getCause().getMessage());
    assertEquals("kept", holder.task(Holder::held).remote().get());
  }

  @Test
  void aNullArgumentAndANullResult_travelThroughAnActor() {
    ActorHandle<Holder> holder = ray.actor(Holder::new).remote();
    holder.task(Holder::hold, (Object) null).remote().get();
    assertEquals(null, holder.task(Holder::held).remote().get());
  }

  @Test
  void aNullArgument_toAConstructor_reachesIt() {
    ActorHandle<Counter> actor = ray.actor(RayActorTest::fromBoxed, (Integer) null).remote();
    assertEquals(-1, actor.task(Counter::getValue).remote().get());
  }

  static Counter fromBoxed(Integer initValue) {
    return new Counter(initValue == null ? -1 : initValue);
  }

  static final class Slow {
    int answer(java.util.concurrent.CountDownLatch release) throws InterruptedException {
      release.await();
      return 42;
    }
  }

  /** test_actor.py's test_actor_deletion: calls submitted before the last handle went still finish. */
  @Test
  void aCallSubmittedBeforeTheLastHandleIsDropped_stillCompletes() {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ObjectRef<Integer> answer = ray.actor(Slow::new).remote().task(Slow::answer, release).remote();
    System.gc();
    release.countDown();
    assertEquals(42, answer.get());
  }

  @Test
  void manyCallsOnOneActor_runInSubmissionOrder() {
    ActorHandle<Counter> actor = ray.actor(Counter::new, 0).remote();
    List<ObjectRef<Integer>> results = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      results.add(actor.task(Counter::increaseAndGet, 1).remote());
    }
    for (int i = 0; i < 1000; i++) {
      assertEquals(i + 1, results.get(i).get());
    }
  }
}
