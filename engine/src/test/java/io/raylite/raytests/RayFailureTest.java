package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.TaskFailedException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/FailureTest.java} and
 * {@code TaskExceptionTest.java}, with cases of {@code python/ray/tests/test_failure.py}. Ray's
 * {@code System.exit} in a worker has no counterpart in one JVM; an actor dies instead by an
 * {@code Error} (README, "Failure model").
 */
@Timeout(60)
class RayFailureTest {
  private static final String EXCEPTION_MESSAGE = "Oops";
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static int badFunc() {
    throw new RuntimeException(EXCEPTION_MESSAGE);
  }

  static int blockForever(CountDownLatch never) throws InterruptedException {
    never.await();
    return 0;
  }

  static final class BadActor {
    BadActor(boolean failOnCreation) {
      if (failOnCreation) {
        throw new RuntimeException(EXCEPTION_MESSAGE);
      }
    }

    int badMethod() {
      throw new RuntimeException(EXCEPTION_MESSAGE);
    }

    int badMethod2() {
      throw new StackOverflowError("process died");
    }

    String sayHi() {
      return "Hi";
    }

    String throwUnserializable() {
      throw new UnserializableException();
    }
  }

  static final class UnserializableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings({"serial", "unused"})
    private final Object notSerializable = new Object();
  }

  static String throwUnserializable() {
    throw new UnserializableException();
  }

  private static void assertFailedWithOops(ObjectRef<?> ref) {
    RayliteException e = assertThrows(RayliteException.class, ref::get);
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertInstanceOf(RuntimeException.class, root);
    assertEquals(EXCEPTION_MESSAGE, root.getMessage());
  }

  @Test
  void aTaskThatThrows_failsGetWithTaskFailedException_causedByTheOriginal() {
    ObjectRef<Integer> ref = ray.task(RayFailureTest::badFunc).remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, ref::get);
    assertEquals(EXCEPTION_MESSAGE, e.getCause().getMessage());
  }

  @Test
  void anActorWhoseConstructorThrows_failsItsCalls_withTheConstructorsException() {
    ActorHandle<BadActor> actor = ray.actor(BadActor::new, true).remote();
    assertFailedWithOops(actor.task(BadActor::badMethod).remote());
  }

  @Test
  void anActorMethodThatThrows_failsItsCallWithTheOriginalException() {
    ActorHandle<BadActor> actor = ray.actor(BadActor::new, false).remote();
    assertFailedWithOops(actor.task(BadActor::badMethod).remote());
  }

  @Test
  void anActorThatDies_failsTheCallThatKilledIt_andEveryLaterCall_withActorDiedException() {
    ActorHandle<BadActor> actor = ray.actor(BadActor::new, false).remote();
    assertThrows(ActorDiedException.class, () -> actor.task(BadActor::badMethod2).remote().get());
    assertThrows(ActorDiedException.class, () -> actor.task(BadActor::badMethod).remote().get());
  }

  @Test
  void getOfSeveralRefs_throwsAsSoonAsOneFails_withoutWaitingForTheOthers() {
    ObjectRef<Integer> bad = ray.task(RayFailureTest::badFunc).remote();
    ObjectRef<Integer> never = ray.task(RayFailureTest::blockForever, new CountDownLatch(1)).remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(List.of(never, bad)));
    assertEquals(EXCEPTION_MESSAGE, e.getCause().getMessage());
  }

  @Test
  void aTaskThrowingAnUnserializableException_stillFailsGet_andTheWorkerGoesOn() {
    assertThrows(RayliteException.class, () -> ray.task(RayFailureTest::throwUnserializable).remote().get());
    assertEquals(1, ray.task(() -> 1).remote().get());
  }

  @Test
  void anActorMethodThrowingAnUnserializableException_failsOnlyThatCall() {
    ActorHandle<BadActor> actor = ray.actor(BadActor::new, false).remote();
    assertEquals("Hi", actor.task(BadActor::sayHi).remote().get());
    assertThrows(RayliteException.class, () -> actor.task(BadActor::throwUnserializable).remote().get());
    assertEquals("Hi", actor.task(BadActor::sayHi).remote().get());
  }

  // ---------------- from test_failure.py ----------------

  static int consume(int x) {
    return x + 1;
  }

  @Test
  void aTaskWhoseArgumentFailed_failsWithTheArgumentsException_withoutRunning() {
    ObjectRef<Integer> bad = ray.task(RayFailureTest::badFunc).remote();
    ObjectRef<Integer> dependent = ray.task(RayFailureTest::consume, bad).remote();
    TaskFailedException original = assertThrows(TaskFailedException.class, bad::get);
    TaskFailedException e = assertThrows(TaskFailedException.class, dependent::get);
    assertSame(original.getCause(), e.getCause());
  }

  @Test
  void anErrorThrownByATask_failsGet_andTheRuntimeGoesOn() {
    ObjectRef<Integer> ref = ray.task(RayFailureTest::throwsError).remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, ref::get);
    assertInstanceOf(StackOverflowError.class, e.getCause());
    assertEquals(2, ray.task(RayFailureTest::consume, 1).remote().get());
  }

  static int throwsError() {
    throw new StackOverflowError("deep");
  }

  @Test
  void aFailedTasksException_isTheSameForEveryGet() {
    ObjectRef<Integer> ref = ray.task(RayFailureTest::badFunc).remote();
    Throwable first = assertThrows(TaskFailedException.class, ref::get).getCause();
    Throwable second = assertThrows(TaskFailedException.class, ref::get).getCause();
    assertSame(first, second);
    assertTrue(ref.isReady());
  }
}
