package io.raylite;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a running task or actor call knows about itself. Obtain it with {@link Raylite#context()}
 * from the thread that runs the task.
 */
public interface RuntimeContext {

  /** The runtime that runs this task. */
  Raylite runtime();

  /** The task id, unique within the runtime; for an actor, the id of the call or constructor run. */
  String taskId();

  /** The task name: the one given in the options, else derived from the function. */
  String taskName();

  /** Which attempt this is: 0 for the first run, 1 for the first retry, and so on. */
  int attempt();

  /** The resources this task holds while it runs, by name; for an actor, what it holds for its lifetime. */
  Map<String, Double> resources();

  /** The GPU device ids assigned to this task, in ascending order; empty when it asked for none. */
  List<Integer> gpuIds();

  /** The name of the worker running this task, as shown in logs and in the timeline. */
  String workerName();

  /**
   * The id of the node this task runs on, as {@link Raylite#nodes()} lists it; {@code local} in a
   * runtime that is not part of a cluster.
   */
  default String nodeId() {
    return "local";
  }

  /** The namespace of the runtime that runs this task, as Ray's {@code getNamespace()}; see {@link Raylite#namespace()}. */
  default String namespace() {
    return runtime().namespace();
  }

  /** Whether {@link Raylite#cancel} was called for this task; long-running code may check it. */
  boolean isCancelled();

  /** The id of the actor whose method or constructor is running ({@link ActorHandle#id()}); empty in a task. */
  default Optional<String> actorId() {
    return Optional.empty();
  }

  /**
   * The handle of the actor whose method or constructor is running, as Ray's
   * {@code get_runtime_context().current_actor}: an actor can pass itself to tasks and other
   * actors, or call itself. A call it makes on itself queues behind the running call like any
   * other, so an actor that runs one call at a time must not wait for it ({@code get}) from inside
   * a call: that waits forever.
   *
   * @param <A> the actor's class, as the caller knows it (not checked, as {@link Raylite#getActor})
   * @throws IllegalStateException in a task, which runs on no actor
   */
  default <A> ActorHandle<A> currentActor() {
    return ActorHandle.ofRunning(this);
  }

  /**
   * Whether this actor method or constructor runs on an actor that was rebuilt after a failure
   * (see {@link ActorCreation#maxRestarts}); false in a task and in an actor's first life.
   */
  default boolean wasActorRestarted() {
    return false;
  }

  /**
   * Writes one line to the runtime's log stream, prefixed with the task name and worker, as Ray
   * prefixes worker output: {@code (train_and_score worker=3) n_estimators=8, ...}. With
   * arguments, {@code format} is a {@link String#format} pattern applied in {@link java.util.Locale#ROOT},
   * so numbers print the same on every machine; without, the line is printed as it is.
   */
  void log(String format, Object... args);

  /**
   * Runs {@code cleanup} once when this task ends: after its function returns or throws, before
   * its result reaches {@code get}, while it still holds its resources. In an actor method or
   * constructor, it runs when the actor's instance is dropped instead, that is when the actor dies
   * or is rebuilt after a failure, once no call runs. For libraries that hand tasks native
   * resources they may leave open (a GPU context). Cleanups run in reverse order of registration
   * on the thread that ends the task or actor; one that throws is logged as a warning on the
   * {@code io.raylite} {@link System.Logger} and the others still run. Call it from the thread
   * that runs the task or call.
   */
  void onEnd(Runnable cleanup);

  /**
   * Blocks until {@code future} completes, as {@code get} blocks for an object: a task lends its
   * CPUs to the scheduler while it waits and takes them back before it continues (an actor call
   * just blocks). For libraries whose operations complete asynchronously, such as a GPU command.
   * Returns when the future completes, normally or not; read the outcome from the future. Call it
   * from the thread that runs the task or call.
   *
   * @throws RayliteException if the thread is interrupted while waiting (the interrupt status is
   *     restored)
   */
  void await(CompletableFuture<?> future);
}
