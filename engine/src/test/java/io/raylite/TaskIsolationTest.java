package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** What one task or actor call does to its thread does not reach the next one on that thread. */
class TaskIsolationTest {
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  // One worker, so that consecutive tasks run on the same thread.
  private final Raylite ray = Raylite.builder().cpus(1)
      .logStream(new PrintStream(logged, true, StandardCharsets.UTF_8)).build();

  @AfterEach
  void close() {
    ray.close();
  }

  /** A piece of thread state a task can change, how to change it, and how to read it. */
  enum State {
    CONTEXT_CLASS_LOADER(t -> t.setContextClassLoader(new URLClassLoader(new URL[0], null)),
        Thread::getContextClassLoader),
    NAME(t -> t.setName("renamed by a task"), Thread::getName),
    PRIORITY(t -> t.setPriority(Thread.MIN_PRIORITY), Thread::getPriority),
    UNCAUGHT_EXCEPTION_HANDLER(t -> t.setUncaughtExceptionHandler((thread, e) -> {}),
        Thread::getUncaughtExceptionHandler),
    INTERRUPT_STATUS(Thread::interrupt, Thread::isInterrupted);

    final Consumer<Thread> change;
    final Function<Thread, Object> read;

    State(Consumer<Thread> change, Function<Thread, Object> read) {
      this.change = change;
      this.read = read;
    }
  }

  /** [thread, state] as the task saw them. */
  private List<Object> observe(State state) {
    return ray.get(ray.task(() -> {
      Thread t = Thread.currentThread();
      return List.of(t, state.read.apply(t));
    }).remote());
  }

  @ParameterizedTest
  @EnumSource(State.class)
  void threadStateSetByATask_doesNotReachTheNextTaskOnItsThread(State state) {
    List<Object> before = observe(state);
    ray.get(ray.task(() -> {
      state.change.accept(Thread.currentThread());
      return 0;
    }).remote());
    List<Object> after = observe(state);
    assertSame(before.get(0), after.get(0), "the tasks ran on different threads; the test needs one");
    assertEquals(before.get(1), after.get(1));
  }

  /** A sequential actor: its calls run one after another, on one thread while it stays busy. */
  public static final class Worker {
    public List<Object> observe(State state) {
      Thread t = Thread.currentThread();
      return List.of(t, String.valueOf(state.read.apply(t)));
    }

    public int change(State state) {
      state.change.accept(Thread.currentThread());
      return 0;
    }
  }

  @Test
  void contextClassLoaderSetByAnActorCall_doesNotReachTheNextCall() throws Exception {
    ActorHandle<Worker> worker = ray.actor(Worker::new).remote();
    // Queued together, so one drainer thread takes all three.
    ObjectRef<List<Object>> before;
    ObjectRef<Integer> changed;
    ObjectRef<List<Object>> after;
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    ObjectRef<Integer> hold = worker.task((Worker w) -> {
      gate.await();
      return 0;
    }).remote();
    before = worker.task(Worker::observe, State.CONTEXT_CLASS_LOADER).remote();
    changed = worker.task(Worker::change, State.CONTEXT_CLASS_LOADER).remote();
    after = worker.task(Worker::observe, State.CONTEXT_CLASS_LOADER).remote();
    gate.countDown();
    ray.get(hold);
    ray.get(changed);
    assertSame(ray.get(before).get(0), ray.get(after).get(0), "the calls ran on different threads");
    assertEquals(ray.get(before).get(1), ray.get(after).get(1));
  }

  @Test
  void logCall_writesExactlyOneLine_whenTheNameAndMessageHoldLineBreaks() {
    ray.get(ray.task(() -> {
      Raylite.context().log("first\nsecond %s", "third\r\nfourth\u2028fifth");
      return 0;
    }).name("name\nwith a break").remote());
    String text = logged.toString(StandardCharsets.UTF_8);
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.contains("first\\nsecond third\\r\\nfourth\\u2028fifth"), text);
    assertTrue(text.contains("name\\nwith a break"), text);
  }

  @Test
  void actorLogCall_writesExactlyOneLine_whenTheMessageHoldsLineBreaks() {
    ActorHandle<Worker> worker = ray.actor(Worker::new).remote();
    ray.get(worker.task((Worker w) -> {
      Raylite.context().log("one\ntwo");
      return 0;
    }).remote());
    String text = logged.toString(StandardCharsets.UTF_8);
    assertEquals(1, text.lines().count(), text);
  }
}
