package io.raylite.internal.actor;

import io.raylite.ActorOptions;
import io.raylite.RuntimeClosedException;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.placement.PlacementGroupRecord;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.FunctionNames;
import io.raylite.internal.task.ShutdownReport;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runtime's actors: creates them, finds live ones by name, kills them, and on close kills every
 * one and joins every actor thread (see {@link ActorRecord} for an actor's life).
 *
 * <p>Close races with creation without a lock: {@code create} adds the actor to {@code live} and
 * then reads {@code closed}; {@code close} writes {@code closed} and then walks {@code live}. Both
 * are volatile accesses, so at least one side sees the other and kills the actor.
 */
public final class ActorRegistry {
  final Engine runtime;
  final ActorThreads threads;
  private final Set<ActorRecord> live = ConcurrentHashMap.newKeySet();
  /** Live named actors by namespace and name, as Ray's GCS keys them. */
  private final ConcurrentHashMap<QualifiedName, ActorRecord> names = new ConcurrentHashMap<>();
  /** The runtime's namespace: where names without one go and where getActor(name) looks. */
  private final String namespace;
  /** The default options with the runtime's namespace filled in, shared by actors created with defaults. */
  private final ActorOptions defaultOptions;
  private final AtomicLong actorIds = new AtomicLong();
  /** The bundle of each live actor placed in a placement group. */
  private final ConcurrentHashMap<ActorRecord, PlacementGroupRecord.Placement> placed = new ConcurrentHashMap<>();
  private final AtomicLong taskIds = new AtomicLong();
  /** The resources of an actor with default options, shared by all such actors (shapes are canonical). */
  private final ResourceShape defaultRequest;
  private volatile boolean closed;

  public ActorRegistry(Engine runtime, String namespace) {
    this.runtime = runtime;
    this.namespace = namespace;
    this.defaultOptions = ActorOptions.defaults().toBuilder().namespace(namespace).build();
    this.threads = new ActorThreads(runtime.name, runtime.schedule);
    this.defaultRequest = runtime.scheduler.shapeOf(ActorOptions.defaults().resources(), "actor");
  }

  /** An actor's name within its namespace. */
  private record QualifiedName(String namespace, String name) {}

  /** The runtime's namespace; see {@link io.raylite.Raylite#namespace()}. */
  public String namespace() {
    return namespace;
  }

  long nextTaskId() {
    return taskIds.incrementAndGet();
  }

  /**
   * Creates an actor and starts its construction; see {@link io.raylite.ActorCreation#remote()}.
   *
   * @throws IllegalArgumentException if the name is taken or the options do not fit the constructor
   */
  public ActorRecord create(RayFunc constructor, Object[] args, int refMask, ActorOptions options) {
    return create(constructor, args, refMask, options, null);
  }

  /**
   * As {@link #create(RayFunc, Object[], int, ActorOptions)}, with the actor's resources in
   * {@code placement}, a bundle of its placement group, when not null.
   */
  public ActorRecord create(RayFunc constructor, Object[] args, int refMask, ActorOptions options,
      PlacementGroupRecord.Placement placement) {
    return create(constructor, args, refMask, options, placement, 0);
  }

  /**
   * As {@link #create(RayFunc, Object[], int, ActorOptions, PlacementGroupRecord.Placement)}, for an
   * actor rebuilt after {@code priorRestarts} restarts elsewhere (a cluster node that left).
   */
  public ActorRecord create(RayFunc constructor, Object[] args, int refMask, ActorOptions options,
      PlacementGroupRecord.Placement placement, int priorRestarts) {
    checkOpen();
    if (options == ActorOptions.defaults()) {
      options = defaultOptions;
    } else if (options.namespace() == null) {
      options = options.toBuilder().namespace(namespace).build();  // every actor belongs to one, as in Ray
    }
    String constructorName = FunctionNames.of(constructor);
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) != 0) {
        ObjectRefImpl.entryOf(args[i], runtime.store, "argument " + i + " of actor constructor '" + constructorName + "'");
      }
    }
    ResourceShape request = placement != null ? placement.shape()
        : options.resources().equals(ActorOptions.defaults().resources()) ? defaultRequest
        : runtime.scheduler.shapeOf(options.resources(), constructorName);
    ActorRecord actor = new ActorRecord(this, actorIds.incrementAndGet(), constructor, constructorName, args,
        refMask, options, request, placement != null ? placement.bundle().scheduler : runtime.scheduler);
    String name = options.name();
    if (name != null) {
      ActorRecord holder = names.putIfAbsent(new QualifiedName(options.namespace(), name), actor);
      if (holder != null) {
        throw new IllegalArgumentException("actor name '" + name + "' is already taken in namespace '"
            + options.namespace() + "' by live actor " + holder.idString() + "; kill it first or choose "
            + "another name");
      }
    }
    if (placement != null) {
      placed.put(actor, placement);
    }
    live.add(actor);
    if (closed) {
      actor.killForClose();
      throw closedException();
    }
    if (priorRestarts > 0) {
      actor.restartedBefore(priorRestarts);
    }
    actor.start();
    return actor;
  }

  /** The live actor registered under {@code name} in {@code inNamespace}. */
  public Optional<ActorRecord> named(String name, String inNamespace) {
    checkOpen();
    return Optional.ofNullable(names.get(new QualifiedName(inNamespace, name)));
  }

  /** Kills an actor of this runtime; see {@link io.raylite.Raylite#kill(io.raylite.ActorHandle, boolean)}. */
  public void kill(ActorRecord actor, boolean noRestart) {
    checkOpen();
    if (actor.registry != this) {
      throw new IllegalArgumentException("actor " + actor.idString() + " belongs to runtime '"
          + actor.runtime.name + "', not to '" + runtime.name + "'");
    }
    actor.kill(noRestart);
  }

  /** Kills, without restart, every live actor placed in {@code group}, which is being removed. */
  public void killPlacedIn(PlacementGroupRecord group) {
    String because = group.removedBecause();
    for (ActorRecord actor : live) {
      if (group.holds(actor.scheduler)) {
        actor.killForRemovedGroup(because);
      }
    }
  }

  /** How many live actors are placed in {@code group}, for the state API. */
  public int countPlacedIn(PlacementGroupRecord group) {
    int n = 0;
    for (ActorRecord actor : live) {
      if (group.holds(actor.scheduler)) {
        n++;
      }
    }
    return n;
  }

  /** Called under the actor's monitor when it dies: frees its name. */
  void forget(ActorRecord actor) {
    runtime.state.actorDied(actor.id, actor.describe());  // the state API keeps its last row
    live.remove(actor);
    PlacementGroupRecord.Placement placement = placed.remove(actor);
    if (placement != null) {
      placement.bundle().unplace();
    }
    String name = actor.registeredName();
    if (name != null) {
      names.remove(new QualifiedName(actor.options.namespace(), name), actor);
    }
  }

  /**
   * Waits until every actor thread started so far has ended, or {@code timeout} passes; returns
   * those still alive. Idle actors hold no thread, so once every actor is idle this returns empty.
   */
  public java.util.List<Thread> awaitThreadsEnded(java.time.Duration timeout) {
    return threads.joinAll(System.nanoTime() + io.raylite.internal.object.Timeouts.cappedNanos(timeout, Long.MAX_VALUE / 4));
  }

  /** The actors not dead yet, for the state API. */
  public java.util.List<ActorRecord> liveActors() {
    return java.util.List.copyOf(live);
  }

  /**
   * Kills every actor, then interrupts every actor thread and joins each until {@code deadline}.
   * Before the kill, notes what each thread runs, for the report of threads left behind.
   */
  public void close(long deadline, ShutdownReport report) {
    closed = true;
    for (ActorRecord actor : live) {
      actor.describeRunning(report);
    }
    for (ActorRecord actor : live) {
      actor.killForClose();
    }
    for (Thread left : threads.interruptAndJoinAll(deadline)) {
      report.leftBehind(left);
    }
  }

  private void checkOpen() {
    if (closed || runtime.isClosed()) {
      throw closedException();
    }
  }

  private RuntimeClosedException closedException() {
    return new RuntimeClosedException("runtime '" + runtime.name + "' is closed");
  }
}
