package io.raylite.junit;

import io.raylite.ActorInfo;
import io.raylite.ActorState;
import io.raylite.ObjectInfo;
import io.raylite.Raylite;
import io.raylite.StateApi;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One test's (or one class's) runtime, with the platform threads that were alive before it was
 * built, and the leak checks run on it.
 *
 * <p>Tasks, actors and objects come from the runtime's {@link StateApi}. An object is still held
 * when the store lists it with a reference after garbage collections: a ref the test dropped is
 * released by the collector, so while the listing is not empty the check asks for a collection and
 * waits (on a reference queue, at most {@link #COLLECTION_WAIT}) until it has run, then lists again,
 * up to {@link #COLLECTIONS} times. A clean test with no large objects left pays for none. The
 * release itself runs on the engine's reaper thread, which a heavily loaded machine may not
 * schedule in time: a test that is done with a large object should {@link Raylite#free} it rather
 * than leave it to the collector. Objects of at most 256 bytes stay with their refs, outside the store, and are not seen.
 *
 * <p>Threads are compared by identity with the snapshot taken before the runtime was built, after
 * the runtime is closed; virtual threads are not listed by the JDK and are not seen. Threads of the
 * JVM and the one reaper every Raylite runtime in a JVM shares are ignored.
 *
 * <p>Raylite does not record where a task, an actor, an object or a thread was created, so a leak
 * report shows where each leaked task's worker and each leaked thread is now instead.
 */
final class TestRuntime {
  private static final int LIMIT = Integer.MAX_VALUE;
  /**
   * Collections asked for before objects still listed count as held. The collector queues a dead
   * ref's phantom, and the engine's reaper thread then releases its object, after the sentinel of
   * {@link #awaitCollection} may already be queued; a few rounds leave the reaper time to catch up.
   */
  private static final int COLLECTIONS = 3;
  /** The longest wait for a requested garbage collection to have processed references. */
  static final Duration COLLECTION_WAIT = Duration.ofSeconds(2);
  /** How long a thread started by the test may take to end once the runtime is closed. */
  private static final Duration THREAD_GRACE = Duration.ofSeconds(1);
  /** Threads one per JVM, started on first use by the JDK or Raylite, that outlive every test by design. */
  private static final List<String> JVM_WIDE_THREAD_PREFIXES =
      List.of("raylite-ref-reaper", "ForkJoinPool.commonPool-worker-", "Attach Listener", "process reaper",
          "junit-jupiter-timeout-watcher", "Common-Cleaner", "JFR ", "RMI ", "Notification Thread");

  private final Raylite ray;
  private final Set<Thread> threadsBefore;

  private TestRuntime(Raylite ray, Set<Thread> threadsBefore) {
    this.ray = ray;
    this.threadsBefore = threadsBefore;
  }

  static TestRuntime start(RayliteTest config) {
    return start(builder(config));
  }

  /** A runtime for {@code config} built with {@code Builder.deterministic(seed)}. */
  static TestRuntime start(RayliteTest config, long seed) {
    return start(builder(config).deterministic(seed));
  }

  private static TestRuntime start(Raylite.Builder builder) {
    Set<Thread> before = Collections.newSetFromMap(new IdentityHashMap<>());
    before.addAll(Thread.getAllStackTraces().keySet());
    return new TestRuntime(builder.build(), before);
  }

  /** The builder for {@code config}: no dashboard; GPU discovery only if GPUs are asked for. */
  static Raylite.Builder builder(RayliteTest config) {
    Raylite.Builder builder = Raylite.builder().dashboard(false);
    double cpus = config.cpus() == 0 ? 2 : config.cpus();
    if (cpus < 1) {
      throw new IllegalArgumentException("@RayliteTest cpus must be 0 (2 CPUs) or >= 1, got " + config.cpus());
    }
    builder.cpus(cpus);
    if (config.gpus() < 0) {
      throw new IllegalArgumentException("@RayliteTest gpus must be >= 0, got " + config.gpus());
    } else if (config.gpus() > 0) {
      builder.gpus(config.gpus());
    } else {
      builder.discoverGpus(false);
    }
    for (String resource : config.resources()) {
      int eq = resource.indexOf('=');
      if (eq <= 0 || eq == resource.length() - 1) {
        throw new IllegalArgumentException(
            "@RayliteTest resources entries must be \"name=amount\", got \"" + resource + "\"");
      }
      String amount = resource.substring(eq + 1).strip();
      try {
        builder.resource(resource.substring(0, eq).strip(), Double.parseDouble(amount));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "@RayliteTest resources entry \"" + resource + "\": the amount must be a number, got \"" + amount + "\"", e);
      }
    }
    return builder;
  }

  Raylite ray() {
    return ray;
  }

  /** Tasks not finished, actors not dead and objects still held; the runtime stays open. */
  Leaks leaksOfWork() {
    Leaks leaks = new Leaks();
    StateApi state = ray.state();
    Map<Thread, StackTraceElement[]> stacks = null;
    for (TaskInfo task : state.tasks(StateFilter.ALL, LIMIT).rows()) {
      if (task.state().isTerminal()) {
        continue;
      }
      if (stacks == null) {
        stacks = Thread.getAllStackTraces();
      }
      leaks.add("task " + task.taskId() + " '" + task.name() + "' " + task.state()
          + (task.worker() == null ? "" : " on " + task.worker())
          + (task.waitingFor().isEmpty() ? "" : ", waiting for " + task.waitingFor()),
          task.worker() == null ? null : stackOf(stacks, state.runtimeName() + "-worker-" + task.worker()));
    }
    for (ActorInfo actor : state.actors(StateFilter.ALL, LIMIT).rows()) {
      if (actor.state() != ActorState.DEAD) {
        leaks.add("actor " + actor.actorId() + " " + actor.className()
            + (actor.name() == null ? "" : " named '" + actor.name() + "'") + " " + actor.state()
            + ", " + actor.pendingCalls() + " pending calls", null);
      }
    }
    List<ObjectInfo> held = heldObjects(state);
    for (int i = 0; i < COLLECTIONS && !held.isEmpty(); i++) {
      awaitCollection();
      held = heldObjects(state);
    }
    for (ObjectInfo object : held) {
      leaks.add("object " + object.objectId() + " (" + object.sizeBytes() + " bytes, " + object.location()
          + ", " + object.references() + " references, from " + object.producer() + ")", null);
    }
    return leaks;
  }

  /** {@link #leaksOfWork()}, then closes the runtime and adds the threads left behind. */
  Leaks checkAndClose() {
    Leaks leaks;
    try {
      leaks = leaksOfWork();
    } finally {
      ray.close();
    }
    return leaks.addAll(threadsLeft());
  }

  /** Closes the runtime and lists the threads left behind. */
  Leaks closeAndCheckThreads() {
    ray.close();
    return threadsLeft();
  }

  private Leaks threadsLeft() {
    List<Thread> started = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !threadsBefore.contains(t) && !isJvmWide(t)) {
        started.add(t);
      }
    }
    Leaks leaks = new Leaks();
    Instant deadline = Instant.now().plus(THREAD_GRACE);
    for (Thread t : started) {
      try {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isPositive()) {
          t.join(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for thread '" + t.getName() + "' to end", e);
      }
      if (t.isAlive()) {
        leaks.add("thread '" + t.getName() + "' " + t.getState() + (t.isDaemon() ? " (daemon)" : ""),
            t.getStackTrace());
      }
    }
    return leaks;
  }

  private static boolean isJvmWide(Thread t) {
    for (String prefix : JVM_WIDE_THREAD_PREFIXES) {
      if (t.getName().startsWith(prefix)) {
        return true;
      }
    }
    // The JVM's own threads (Reference Handler, Finalizer, Signal Dispatcher...) are outside "main".
    for (ThreadGroup g = t.getThreadGroup(); g != null; g = g.getParent()) {
      if (g.getName().equals("main")) {
        return false;
      }
    }
    return true;
  }

  private static List<ObjectInfo> heldObjects(StateApi state) {
    return state.objects(StateFilter.ALL, LIMIT).rows().stream().filter(o -> o.references() > 0).toList();
  }

  /**
   * Asks for a garbage collection and waits until the collector has queued a reference it found
   * unreachable: refs dropped before the call are then queued for release too. A JVM run with
   * {@code -XX:+DisableExplicitGC} ignores the request; the wait then ends after {@link #COLLECTION_WAIT}.
   */
  private static void awaitCollection() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), queue);
    System.gc();
    try {
      queue.remove(COLLECTION_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a garbage collection", e);
    }
    java.lang.ref.Reference.reachabilityFence(sentinel);
  }

  /** The stack of the platform thread so named (a worker is {@code <runtime>-worker-<label>}); null if none. */
  private static StackTraceElement[] stackOf(Map<Thread, StackTraceElement[]> stacks, String threadName) {
    for (Map.Entry<Thread, StackTraceElement[]> e : stacks.entrySet()) {
      if (e.getKey().getName().equals(threadName)) {
        return e.getValue();
      }
    }
    return null;
  }
}
