package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.LocalRuntime;
import io.raylite.internal.actor.ActorRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * An actor about to be created: set its options, then call {@link #remote()} for its handle.
 * Created by the {@code actor} methods of {@link Raylite}, which take the constructor (usually a
 * constructor reference) and its arguments:
 *
 * <pre>{@code
 * ActorHandle<Counter> counter = ray.actor(Counter::new, 10)
 *     .name("counter")
 *     .maxRestarts(2)
 *     .remote();
 * }</pre>
 *
 * <p>Creation is asynchronous, as in Ray: {@code remote()} returns at once, and the constructor runs
 * on a virtual thread once its {@code ObjectRef} arguments are ready and the actor's resources are
 * free. Calls made meanwhile wait in the actor's mailbox. A constructor that throws marks the actor
 * failed (see {@link ActorHandle} for what follows). Not thread-safe; each {@code remote()} creates a
 * new actor.
 *
 * <p>When the class has several constructors, {@code Counter::new} names all of them, and Java
 * cannot tell whether an {@code ObjectRef} argument is meant as the value or as the ref: pass such
 * arguments to a static factory method instead ({@code ray.actor(Counter::startingAt, ref)}). The
 * same holds for overloaded methods in {@code handle.task(...)} calls.
 *
 * @param <A> the actor's class
 */
public final class ActorCreation<A> {
  private final LocalRuntime runtime;
  private final int refMask;
  private final RayFunc constructor;
  private final Object[] args;
  private ActorOptions options = ActorOptions.defaults();
  private ActorOptions.Builder builder;
  private boolean getIfExists;

  ActorCreation(LocalRuntime runtime, int refMask, RayFunc constructor, Object[] args) {
    this.runtime = runtime;
    this.refMask = refMask;
    this.constructor = constructor;
    this.args = args;
  }

  private ActorOptions.Builder builder() {
    if (builder == null) {
      builder = options.toBuilder();
    }
    return builder;
  }

  /** Replaces every option with {@code actorOptions}. */
  public ActorCreation<A> options(ActorOptions actorOptions) {
    this.options = Objects.requireNonNull(actorOptions, "options");
    this.builder = null;
    return this;
  }

  /** See {@link ActorOptions.Builder#numCpus}. */
  public ActorCreation<A> numCpus(double cpus) {
    builder().numCpus(cpus);
    return this;
  }

  /** See {@link ActorOptions.Builder#numGpus}. */
  public ActorCreation<A> numGpus(double gpus) {
    builder().numGpus(gpus);
    return this;
  }

  /** See {@link ActorOptions.Builder#memory}. */
  public ActorCreation<A> memory(long bytes) {
    builder().memory(bytes);
    return this;
  }

  /** See {@link ActorOptions.Builder#resource}. */
  public ActorCreation<A> resource(String name, double amount) {
    builder().resource(name, amount);
    return this;
  }

  /** See {@link ActorOptions.Builder#name}. */
  public ActorCreation<A> name(String name) {
    builder().name(name);
    return this;
  }

  /** See {@link ActorOptions.Builder#name(String, String)}. */
  public ActorCreation<A> name(String name, String namespace) {
    builder().name(name, namespace);
    return this;
  }

  /** See {@link ActorOptions.Builder#namespace}. */
  public ActorCreation<A> namespace(String namespace) {
    builder().namespace(namespace);
    return this;
  }

  /** See {@link ActorOptions.Builder#lifetime}. */
  public ActorCreation<A> lifetime(ActorLifetime lifetime) {
    builder().lifetime(lifetime);
    return this;
  }

  /** Runs the actor on a platform thread of its own; see {@link ActorOptions.Builder#dedicatedThread}. */
  public ActorCreation<A> dedicatedThread() {
    builder().dedicatedThread(true);
    return this;
  }

  /** See {@link ActorOptions.Builder#maxRestarts}. */
  public ActorCreation<A> maxRestarts(int restarts) {
    builder().maxRestarts(restarts);
    return this;
  }

  /** See {@link ActorOptions.Builder#maxTaskRetries}. */
  public ActorCreation<A> maxTaskRetries(int retries) {
    builder().maxTaskRetries(retries);
    return this;
  }

  /** See {@link ActorOptions.Builder#maxConcurrency}. */
  public ActorCreation<A> maxConcurrency(int calls) {
    builder().maxConcurrency(calls);
    return this;
  }

  /** See {@link ActorOptions.Builder#maxPendingCalls}. */
  public ActorCreation<A> maxPendingCalls(int calls) {
    builder().maxPendingCalls(calls);
    return this;
  }

  /** See {@link ActorOptions.Builder#concurrencyGroups}. */
  public ActorCreation<A> concurrencyGroups(ConcurrencyGroup... groups) {
    builder().concurrencyGroups(groups);
    return this;
  }

  /** See {@link ActorOptions.Builder#placementGroup(PlacementGroup, int)}. */
  public ActorCreation<A> placementGroup(PlacementGroup group, int bundleIndex) {
    builder().placementGroup(group, bundleIndex);
    return this;
  }

  /** See {@link ActorOptions.Builder#placementGroup(PlacementGroup)}: whichever bundle has room. */
  public ActorCreation<A> placementGroup(PlacementGroup group) {
    builder().placementGroup(group);
    return this;
  }

  /**
   * Creates the actor and returns its handle at once; the constructor runs asynchronously.
   *
   * @throws IllegalArgumentException if the name is taken by a live actor of its namespace, or a method is assigned
   *     to two concurrency groups
   * @throws InfeasibleResourceException if the runtime can never provide the requested resources
   * @throws RuntimeClosedException if the runtime was closed
   */
  public ActorHandle<A> remote() {
    if (builder != null) {
      options = builder.build();
      builder = null;
    }
    io.raylite.spi.ActorBackend cluster = runtime.clusterActors();
    if (cluster != null) {
      if (getIfExists) {
        return getOrCreate(cluster);
      }
      return new ActorHandle<>(createOn(cluster));
    }
    if (getIfExists) {
      return getOrCreate();
    }
    return new ActorHandle<>(runtime.createActor(constructor, args, refMask, options));
  }

  /**
   * As Ray's {@code get_if_exists=True}: {@link #remote()} returns the live actor of this name in its
   * namespace if there is one (whatever its class and options, which are not checked), and creates
   * it otherwise. Of several callers that race, one creates the actor and the others get it.
   * Needs a {@link #name(String)}.
   */
  public ActorCreation<A> getIfExists() {
    this.getIfExists = true;
    return this;
  }

  /** As {@link #getOrCreate()}, for an actor on a cluster: the name is registered cluster-wide. */
  private ActorHandle<A> getOrCreate(io.raylite.spi.ActorBackend cluster) {
    String name = options.name();
    if (name == null) {
      throw new IllegalArgumentException("getIfExists() needs a name: set name(...) as well");
    }
    String namespace = options.namespace() != null ? options.namespace() : runtime.actors().namespace();
    Optional<io.raylite.spi.RemoteActor> existing = cluster.named(name, namespace);
    if (existing.isPresent()) {
      return new ActorHandle<>(existing.get());
    }
    try {
      return new ActorHandle<>(createOn(cluster));
    } catch (IllegalArgumentException taken) {
      // Another caller created it since the look-up: return theirs. Else the refusal was not the name's.
      return new ActorHandle<>(cluster.named(name, namespace).orElseThrow(() -> taken));
    }
  }

  /** Creates the actor on a cluster: its ObjectRef arguments travel to its node once they are ready. */
  private io.raylite.spi.RemoteActor createOn(io.raylite.spi.ActorBackend cluster) {
    if (refMask == 0) {
      return cluster.create(constructor, args, options);
    }
    String what = options.name() != null ? "actor '" + options.name() + "'"
        : "actor " + io.raylite.internal.task.FunctionNames.of(constructor);
    return cluster.create(constructor, args, refMask, options,
        io.raylite.internal.RemoteActorCalls.constructorRefs(runtime, args, refMask, what));
  }

  private ActorHandle<A> getOrCreate() {
    String name = options.name();
    if (name == null) {
      throw new IllegalArgumentException("getIfExists() needs a name: set name(...) as well");
    }
    String namespace = options.namespace() != null ? options.namespace() : runtime.actors().namespace();
    Optional<ActorRecord> existing = runtime.actors().named(name, namespace);
    if (existing.isPresent()) {
      return new ActorHandle<>(existing.get());
    }
    try {
      return new ActorHandle<>(runtime.createActor(constructor, args, refMask, options));
    } catch (IllegalArgumentException taken) {
      // Another caller created it since the look-up: return theirs. Else the refusal was not the name's.
      return new ActorHandle<>(runtime.actors().named(name, namespace).orElseThrow(() -> taken));
    }
  }
}
