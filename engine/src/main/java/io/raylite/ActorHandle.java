package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.actor.ActorRecord;
import java.util.Optional;

/**
 * A handle on an actor: a stateful worker, an instance of {@code A} that lives in the runtime and
 * runs the method calls sent to it, as Ray's actors do. Create one with the {@code actor} methods
 * of {@link Raylite}, call it with {@code task}:
 *
 * <pre>{@code
 * ActorHandle<Counter> counter = ray.actor(Counter::new, 10).remote();
 * ObjectRef<Integer> eleven = counter.task(Counter::add, 1).remote();
 * counter.task(Counter::reset).remote();            // a void method: ObjectRef<Void>
 * System.out.println(ray.get(eleven));              // 11
 * }</pre>
 *
 * <p>Handles are thread-safe: pass them to tasks and to other actors, keep them in fields, call
 * them from any thread. Two handles on the same actor are equal. On a cluster runtime the actor lives on
 * one node and its handle is {@link java.io.Serializable}: pass it to tasks and actors on any node
 * and call it from there; a handle on an actor of a local runtime cannot leave its JVM.
 *
 * <h2>Execution</h2>
 * Calls go to the actor's mailbox and run in the order they were submitted, one at a time, so the
 * actor's methods need no locking. With {@link ActorCreation#maxConcurrency maxConcurrency(n)} up
 * to n calls run at once (a threaded actor), and {@link ConcurrencyGroup}s give groups of methods
 * their own queue and limit. {@code ObjectRef} arguments are resolved before a call starts; the call
 * waits for them at the head of its mailbox, so later calls never overtake it. Calls run on virtual
 * threads that exist only while the mailbox has work: an idle actor holds no thread, and a runtime
 * can hold hundreds of thousands of them. An actor created with
 * {@link ActorCreation#dedicatedThread()} runs its constructor and every call on one platform
 * thread of its own instead. Inside a call (and the constructor),
 * {@link Raylite#context()} describes the call, including {@link RuntimeContext#actorId()},
 * {@link RuntimeContext#wasActorRestarted()} and the actor's {@link RuntimeContext#gpuIds()};
 * {@code get} and {@code wait} simply block the call's virtual thread.
 *
 * <h2>Resources</h2>
 * An actor takes the resources it asks for ({@link ActorCreation#numCpus}, {@code numGpus},
 * {@code resource}; 0 CPU by default, as in Ray) from the runtime before its constructor runs,
 * waiting for them if they are in use, and holds them until it dies, across restarts. A request the
 * runtime can never meet fails at creation with {@link InfeasibleResourceException}.
 *
 * <h2>Async methods</h2>
 * A method that returns a {@link java.util.concurrent.CompletionStage} (a {@code CompletableFuture})
 * is called with {@code taskAsync} instead of {@code task}, as Ray calls an {@code async def}
 * method: the call's ref completes with the future's value when the future completes, or fails
 * with the future's own exception as the cause. The call holds its place among the actor's
 * {@code maxConcurrency} running calls until its future completes, so {@code maxConcurrency(n)}
 * bounds the futures in flight (the default, 1, runs them one after another). Cancelling the call
 * while its future is pending cancels the future; killing the actor or closing the runtime cancels
 * the futures of its calls in flight.
 *
 * <h2>Lifetime</h2>
 * An actor lives until it is killed, calls {@link Raylite#exitActor()}, fails without a restart
 * left, or the runtime closes. A {@link ActorLifetime#NON_DETACHED non-detached} actor (the
 * default) also ends, as in Ray, once no handle to it is reachable and every call made to it has
 * returned: then its resources and its name are freed. A handle is any {@code ActorHandle} object
 * of the actor: the one {@code remote()} returned, those {@link Raylite#getActor} and
 * {@link RuntimeContext#currentActor()} return, and any of them kept in a field, a collection or a
 * task's arguments. A name alone does not keep an actor alive, nor do its results, its mailbox or
 * its threads; an actor that keeps its own handle in a field keeps itself alive. The end comes when
 * the garbage collector finds the last handle unreachable, so it is not immediate. A
 * {@link ActorLifetime#DETACHED detached} actor ignores handles: it lives until killed or until
 * the runtime closes.
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A method that throws an {@link Exception} fails only that call: its ref throws
 *       {@link TaskFailedException} with the exception as cause, and the actor keeps its state.
 *   <li>A constructor that throws, a method that throws an {@link Error}, and
 *       {@link Raylite#kill(ActorHandle, boolean) kill(handle, false)} fail the actor. With
 *       {@link ActorCreation#maxRestarts maxRestarts(n)} it is rebuilt up to n times by running its
 *       constructor again, once every call still running has returned (those calls are
 *       interrupted). The calls that were queued or running when it failed run again on the rebuilt
 *       actor up to {@link ActorCreation#maxTaskRetries maxTaskRetries} times, else they fail with
 *       {@link ActorDiedException}; calls made while it is rebuilt simply wait.
 *   <li>Without a restart left, {@link Raylite#kill(ActorHandle) kill(handle)} (or
 *       {@code kill(handle, true)}), {@link Raylite#exitActor()} from inside, and closing the
 *       runtime end the actor: its pending calls fail with {@link ActorDiedException}, which names
 *       the actor and the original cause; later calls fail at once with it; its name is freed, and
 *       its resources return to the runtime when its last running call returns.
 * </ul>
 *
 * @param <A> the actor's class
 */
public final class ActorHandle<A> extends ActorCalls<A> implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  static {
    io.raylite.internal.ApiBridge.register(new SpiAccess());
  }

  /** The local actor; null for an actor on another node of a cluster, which {@code remote} holds. */
  final transient ActorRecord actor;
  /** The actor on another node of a cluster (see {@link io.raylite.spi.ActorBackend}), or null. */
  final transient io.raylite.spi.RemoteActor remote;
  /** What keeps a non-detached actor alive while this handle is reachable; null for a detached one. */
  private final transient Object lifetimeAnchor;

  ActorHandle(ActorRecord actor) {
    this.actor = actor;
    this.remote = null;
    this.lifetimeAnchor = actor.handleAnchor();
  }

  ActorHandle(io.raylite.spi.RemoteActor remote) {
    this.actor = null;
    this.remote = remote;
    this.lifetimeAnchor = null;
  }

  /**
   * A handle travels to another node as its remote actor, which binds itself to the runtime that
   * reads it; a handle on an actor of a local runtime cannot leave its JVM.
   */
  private Object writeReplace() throws java.io.ObjectStreamException {
    if (remote == null) {
      throw new java.io.NotSerializableException("io.raylite.ActorHandle of " + actor.displayName() + " ("
          + actor.idString() + "): an actor of a local runtime cannot leave its JVM; actors created on a cluster "
          + "runtime can");
    }
    return remote;
  }

  /** The handle of the actor that {@code context} runs on, for {@link RuntimeContext#currentActor()}. */
  @SuppressWarnings("unchecked")
  static <A> ActorHandle<A> ofRunning(RuntimeContext context) {
    if (context instanceof io.raylite.internal.actor.ActorCallRun run) {
      return (ActorHandle<A>) new ActorHandle<>(run.actorRecord());
    }
    throw new IllegalStateException("currentActor() is only available inside an actor method or "
        + "constructor; '" + context.taskName() + "' is a task");
  }

  /** The actor's id, unique within the runtime. */
  public String id() {
    return remote != null ? remote.id() : actor.idString();
  }

  /** The name given at creation, if any. */
  public Optional<String> name() {
    return remote != null ? remote.name() : Optional.ofNullable(actor.registeredName());
  }

  @Override
  <R> ActorCall<R> newCall(int refMask, RayFunc f, Object[] args) {
    java.util.Objects.requireNonNull(f, "method");
    return remote != null ? new ActorCall<>(remote, refMask, f, args)
        : new ActorCall<>(actor, lifetimeAnchor, refMask, f, args);
  }

  @Override
  <R> ActorCall<R> newAsyncCall(int refMask, RayFunc f, Object[] args) {
    java.util.Objects.requireNonNull(f, "method");
    ActorCall<R> call = remote != null ? new ActorCall<>(remote, refMask, f, args)
        : new ActorCall<>(actor, lifetimeAnchor, refMask, f, args);
    return call.async();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActorHandle<?> other
        && (remote != null ? other.remote != null && other.remote.id().equals(remote.id()) : other.actor == actor);
  }

  @Override
  public int hashCode() {
    return remote != null ? remote.id().hashCode() : actor.hashCode();
  }

  @Override
  public String toString() {
    return remote != null ? "ActorHandle(" + remote.name().orElse("actor") + ", " + remote.id() + " on node "
        + remote.nodeId() + ")"
        : "ActorHandle(" + actor.displayName() + ", " + actor.idString() + ")";
  }

  /** What {@link io.raylite.spi.ActorHosting} may do with handles; see {@link io.raylite.internal.ApiBridge}. */
  private static final class SpiAccess implements io.raylite.internal.ApiBridge.Access {
    @Override
    public <T> ActorHandle<T> remoteHandle(io.raylite.spi.RemoteActor actor) {
      return new ActorHandle<>(java.util.Objects.requireNonNull(actor, "actor"));
    }

    @Override
    public io.raylite.spi.RemoteActor remoteOf(ActorHandle<?> handle) {
      return handle.remote;
    }

    @Override
    public ActorHandle<Object> createLocal(Raylite runtime, RayFunc constructor, Object[] args,
        ActorOptions options) {
      return new ActorHandle<>(runtime.runtime().createActor(constructor, args, 0, options));
    }

    @Override
    public ActorHandle<Object> createRestarted(Raylite runtime, RayFunc constructor, Object[] args,
        ActorOptions options, int priorRestarts) {
      return new ActorHandle<>(runtime.runtime().createActor(constructor, args, 0, options, priorRestarts));
    }

    @Override
    public void useClusterActors(Raylite nodeRuntime, io.raylite.spi.ActorBackend actors) {
      nodeRuntime.runtime().useClusterActors(actors);
    }

    @Override
    public ConcurrencyGroup group(String name, int maxConcurrency, java.util.List<RayFunc> methods) {
      ConcurrencyGroup.Builder<Object> b = ConcurrencyGroup.builder(name, maxConcurrency);
      for (RayFunc m : methods) {
        b.addMethod(m);
      }
      return b.build();
    }

    @Override
    public java.util.concurrent.CompletionStage<ActorDiedException> died(ActorHandle<?> handle) {
      if (handle.actor == null) {
        throw new IllegalArgumentException("died needs a handle on a local actor, got " + handle);
      }
      return handle.actor.died();
    }

    @Override
    public <R> ObjectRef<R> callLocal(ActorHandle<?> handle, RayFunc method, Object[] args, String callName,
        String group, boolean async) {
      if (handle.actor == null) {
        throw new IllegalArgumentException("callLocal needs a handle on a local actor, got " + handle);
      }
      return handle.actor.submit(method, args, 0, callName, group, async, 0);
    }

    @Override
    public ActorHandle<Object> createLocal(Raylite runtime, RayFunc constructor, Object[] args, int refMask,
        ActorOptions options, int priorRestarts) {
      return new ActorHandle<>(runtime.runtime().createActor(constructor, args, refMask, options, priorRestarts));
    }

    @Override
    public <R> ObjectRef<R> callLocal(ActorHandle<?> handle, RayFunc method, Object[] args, String callName,
        String group, boolean async, int priority) {
      if (handle.actor == null) {
        throw new IllegalArgumentException("callLocal needs a handle on a local actor, got " + handle);
      }
      return handle.actor.submit(method, args, 0, callName, group, async, priority);
    }

    @Override
    public io.raylite.internal.LocalRuntime runtimeOf(Raylite runtime) {
      return runtime.runtime();
    }
  }
}
