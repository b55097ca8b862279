package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.actor.ActorRecord;
import io.raylite.internal.task.FunctionNames;
import io.raylite.internal.task.GeneratorStream;

/**
 * An actor method call about to be submitted: optionally name it or send it to a concurrency
 * group, then call {@link #remote()}. Created by the {@code task} methods of {@link ActorHandle}.
 * Not thread-safe; each {@code remote()} submits a new call.
 *
 * @param <R> the method's result type ({@link Void} for a void method)
 */
public final class ActorCall<R> {
  private final ActorRecord actor;
  /** Keeps a non-detached actor alive until the call is submitted, as the handle it came from does. */
  private final Object lifetimeAnchor;
  private final int refMask;
  private final RayFunc method;
  private final Object[] args;
  private String name;
  private String group;
  /** Whether the method returns a CompletionStage whose outcome is the call's; see taskAsync. */
  private boolean async;
  /** The generator back-pressure bound, or 0 for the runtime's default; see generatorBackpressure. */
  private int maxUnconsumed;
  private int priority;
  /** The actor on another node of a cluster, or null for a local one (then {@code actor} is set). */
  private final io.raylite.spi.RemoteActor remoteActor;

  ActorCall(io.raylite.spi.RemoteActor remoteActor, int refMask, RayFunc method, Object[] args) {
    this.remoteActor = remoteActor;
    this.actor = null;
    this.lifetimeAnchor = null;
    this.refMask = refMask;
    this.method = method;
    this.args = args;
  }

  ActorCall(ActorRecord actor, Object lifetimeAnchor, int refMask, RayFunc method, Object[] args) {
    this.remoteActor = null;
    this.actor = actor;
    this.lifetimeAnchor = lifetimeAnchor;
    this.refMask = refMask;
    this.method = method;
    this.args = args;
  }

  /** Marks the call as one of an async method, for {@code taskAsync}. */
  ActorCall<R> async() {
    this.async = true;
    return this;
  }

  /** The call's name in logs and errors (default: derived from the method, as {@code Counter.add}). */
  public ActorCall<R> name(String callName) {
    if (callName == null || callName.isBlank()) {
      throw new IllegalArgumentException("name must be a non-blank string, got '" + callName + "'");
    }
    this.name = callName;
    return this;
  }

  /**
   * Runs this call in the named {@link ConcurrencyGroup} of the actor, whatever group its method
   * is assigned to. The group must have been declared when the actor was created.
   */
  public ActorCall<R> concurrencyGroup(String groupName) {
    if (groupName == null || groupName.isBlank()) {
      throw new IllegalArgumentException("concurrencyGroup must be a non-blank string, got '" + groupName + "'");
    }
    this.group = groupName;
    return this;
  }

  /** As {@link TaskCall#generatorBackpressure}, for {@link #remoteGenerator()}. */
  public ActorCall<R> generatorBackpressure(int maxUnconsumed) {
    if (maxUnconsumed < 1) {
      throw new IllegalArgumentException("generatorBackpressure must be >= 1, got " + maxUnconsumed);
    }
    this.maxUnconsumed = maxUnconsumed;
    return this;
  }

  /**
   * Makes this a call of a method that returns {@code numReturns} values, as Ray's
   * {@code num_returns}; see {@link MultiReturnCall#remote()}.
   *
   * @throws IllegalArgumentException if {@code numReturns} is below 1
   */
  public MultiReturnCall numReturns(int numReturns) {
    if (remoteActor != null) {
      io.raylite.internal.LocalRuntime runtime = remoteActor.runtime().runtime();
      return new MultiReturnCall(runtime.engine(), method, false,
          f -> io.raylite.internal.RemoteActorCalls.submit(runtime, remoteActor, f, args, refMask, name, group, false,
              priority),
          () -> name != null ? name : FunctionNames.of(method), numReturns);
    }
    return new MultiReturnCall(actor.engine(), method, true,
        f -> {
          var ref = actor.submit(f, args, refMask, name, group, false, priority);
          java.lang.ref.Reference.reachabilityFence(lifetimeAnchor);  // the submitted call holds it now
          return ref;
        },
        () -> name != null ? name : FunctionNames.of(method), numReturns);
  }

  /**
   * Submits the call as a streaming generator, as {@link TaskCall#remoteGenerator()} does for a
   * task: the method returns a {@link java.util.stream.Stream}, {@link java.util.Iterator} or
   * {@link Iterable}, whose values the call stores one at a time while the actor runs it. The
   * call holds its place in the actor (a sequential actor runs nothing else) until the stream ends,
   * is closed, or the call is cancelled. On an actor on a cluster node, the values travel to the
   * caller inline as they are produced, without back-pressure, and {@link ObjectRefGenerator#close()}
   * drops the values still to come without stopping the method.
   *
   * @param <T> the type of the generated values (not checked, as {@link Raylite#getActor})
   * @throws IllegalArgumentException if the method returns void
   * @throws UnsupportedOperationException on an actor on a cluster node, with a
   *     {@link #generatorBackpressure} (the call's or the runtime's), which does not cross nodes
   * @throws PendingCallsExceededException if the actor already has its maximum of pending calls
   * @throws RuntimeClosedException if the runtime was closed
   */
  public <T> ObjectRefGenerator<T> remoteGenerator() {
    if (remoteActor != null) {
      io.raylite.internal.LocalRuntime runtime = remoteActor.runtime().runtime();
      io.raylite.internal.RemoteGenerators.checkNoBackpressure(runtime.engine(), maxUnconsumed);
      GeneratorStream<T> stream = new GeneratorStream<>(runtime.engine(), GeneratorStream.UNBOUNDED, -1, null);
      return stream.start(io.raylite.internal.RemoteActorCalls.submitGenerator(runtime, remoteActor, method, args,
          refMask, name, group, priority, stream::arrived));
    }
    io.raylite.internal.task.Engine engine = actor.engine();
    GeneratorStream<T> stream = new GeneratorStream<>(engine,
        maxUnconsumed > 0 ? maxUnconsumed : engine.generatorBackpressure(), actor.seq(), actor.timelineRow());
    ObjectRefGenerator<T> generator =
        stream.start(actor.submit(stream.producerOf(method), args, refMask, name, group, false, priority));
    java.lang.ref.Reference.reachabilityFence(lifetimeAnchor);  // the submitted call holds it now
    return generator;
  }

  /**
   * The call's priority in its actor's mailbox (default 0, any int): queued calls of higher
   * priority run first; equal priorities run in submission order. Strict, as for tasks.
   */
  public ActorCall<R> priority(int callPriority) {
    this.priority = callPriority;
    return this;
  }

  /**
   * Submits the call and returns the ref of its result at once. If the actor is dead the ref has
   * already failed with {@link ActorDiedException}.
   *
   * @throws PendingCallsExceededException if the actor already has its maximum of pending calls
   * @throws IllegalArgumentException if the concurrency group was not declared, or an
   *     {@code ObjectRef} argument belongs to another runtime
   * @throws RuntimeClosedException if the runtime was closed
   */
  public ObjectRef<R> remote() {
    if (remoteActor != null) {
      return io.raylite.internal.RemoteActorCalls.submit(remoteActor.runtime().runtime(), remoteActor, method, args,
          refMask, name, group, async, priority);
    }
    ObjectRef<R> ref = actor.submit(method, args, refMask, name, group, async, priority);
    java.lang.ref.Reference.reachabilityFence(lifetimeAnchor);  // the submitted call holds it now
    return ref;
  }
}
