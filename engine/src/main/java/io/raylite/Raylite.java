package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.LocalRuntime;
import io.raylite.internal.RuntimeConfig;
import io.raylite.internal.object.SpillDirectories;
import io.raylite.spi.DashboardProvider;
import io.raylite.spi.ClusterProvider;
import io.raylite.spi.GpuProvider;
import io.raylite.spi.SpillCodec;
import io.raylite.spi.TaskBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A Raylite runtime: Ray Core's tasks, actors and objects in this JVM. Create one with
 * {@link #init()} (resources from the machine) or {@link #builder()}, use it, and close it:
 *
 * <pre>{@code
 * try (Raylite ray = Raylite.init()) {
 *   ObjectRef<double[]> data = ray.put(rows);
 *   List<ObjectRef<Double>> scores = new ArrayList<>();
 *   for (int n = 8; n <= 84; n += 4) {
 *     scores.add(ray.task(Models::trainAndScore, data, n).remote());
 *   }
 *   List<Double> mse = ray.get(scores);
 * }
 * }</pre>
 *
 * <p>Several runtimes may live in one JVM; each has its own workers, resources and object store.
 * All methods are thread-safe and may be called from inside tasks. After {@link #close()}, every
 * method throws {@link RuntimeClosedException}.
 */
public final class Raylite extends TaskCalls implements AutoCloseable {
  /** How long close waits for running tasks and actor calls unless the builder says otherwise. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** How long a {@code get} waits before it logs why, unless the builder says otherwise. */
  public static final Duration DEFAULT_SLOW_GET_WARNING = Duration.ofSeconds(60);

  /** The dashboard's default port, Ray's. */
  public static final int DEFAULT_DASHBOARD_PORT = 8265;

  private final LocalRuntime runtime;
  private final StateApi state;
  /** The dashboard started with the runtime, or null. */
  private final DashboardProvider.Dashboard dashboard;

  private Raylite(RuntimeConfig config) {
    this.runtime = new LocalRuntime(this, config);
    this.state = new StateApi(runtime.state());
    this.dashboard = startDashboard(config);
  }

  /** Starts the first dashboard provider on the class path, if asked and present; prints its address. */
  private DashboardProvider.Dashboard startDashboard(RuntimeConfig config) {
    if (!config.dashboard()) {
      return null;
    }
    DashboardProvider provider = ServiceLoader.load(DashboardProvider.class).findFirst().orElse(null);
    if (provider == null) {
      return null;
    }
    try {
      DashboardProvider.Dashboard started = provider.start(this, config.dashboardHost(), config.dashboardPort());
      config.logStream().println("Started a local Raylite instance. View the dashboard at " + started.url());
      return started;
    } catch (IOException | RuntimeException e) {
      runtime.close();
      throw new RayliteException("cannot start the dashboard on " + config.dashboardHost() + ":"
          + config.dashboardPort() + " or a port above it (" + e + "); choose another port with "
          + "Raylite.builder().dashboard(port) or turn it off with .dashboard(false)", e);
    }
  }

  /** A runtime with the machine's processors as CPUs and the GPUs a {@link GpuProvider} finds. */
  public static Raylite init() {
    return builder().build();
  }

  /** A builder for a runtime with chosen resources. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The context of the task or actor call running on this thread.
   *
   * @throws IllegalStateException when called outside a task
   */
  public static RuntimeContext context() {
    RuntimeContext current = LocalRuntime.currentContext();
    if (current == null) {
      throw new IllegalStateException("Raylite.context() is only available inside a task or actor call");
    }
    return current;
  }

  /**
   * The context of the task or actor call running on this thread, or empty outside one: for
   * libraries that behave differently inside a task.
   */
  public static Optional<RuntimeContext> contextIfRunning() {
    return Optional.ofNullable(LocalRuntime.currentContext());
  }

  /**
   * The runtime running the current task, for tasks that submit tasks. On a cluster node, the
   * node's connection to the cluster, so that nested tasks are placed cluster-wide.
   *
   * @throws IllegalStateException when called outside a task
   */
  public static Raylite current() {
    Raylite submitter = io.raylite.spi.NestedTasks.submitter();
    return submitter != null ? submitter : context().runtime();
  }

  @Override
  <R> TaskCall<R> newTask(int refMask, RayFunc f, Object[] args) {
    Objects.requireNonNull(f, "function");
    return new TaskCall<>(runtime, refMask, f, args);
  }

  @Override
  <A> ActorCreation<A> newActor(int refMask, RayFunc f, Object[] args) {
    Objects.requireNonNull(f, "constructor");
    if (!runtime.supportsActors()) {
      throw new UnsupportedOperationException("actors on a cluster runtime come in a later version of "
          + "cluster mode; create actors in a runtime without an address");
    }
    return new ActorCreation<>(runtime, refMask, f, args);
  }

  /**
   * The live actor created with {@code .name(name)} in this runtime's {@link #namespace()}, if
   * there is one. The handle's type is not checked: ask for the class the actor was created with.
   */
  public <A> Optional<ActorHandle<A>> getActor(String name) {
    return getActor(name, runtime.actors().namespace());
  }

  /**
   * The live actor named {@code name} in {@code namespace}, if there is one, as Ray's
   * {@code getActor(name, namespace)}: it finds actors of any namespace.
   */
  @SuppressWarnings("unchecked")
  public <A> Optional<ActorHandle<A>> getActor(String name, String namespace) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must be a non-blank string, got '" + name + "'");  // as Ray's get_actor
    }
    io.raylite.spi.ActorBackend cluster = runtime.clusterActors();
    if (cluster != null) {
      return cluster.named(name, namespace).map(actor -> (ActorHandle<A>) new ActorHandle<>(actor));
    }
    return runtime.actors().named(name, namespace).map(actor -> (ActorHandle<A>) new ActorHandle<>(actor));
  }

  /**
   * The namespace of this runtime, as Ray's {@code getNamespace()}: named actors created here
   * belong to it unless created with {@code .namespace(...)}, and {@link #getActor(String)} looks
   * in it. Set with {@link Builder#namespace}; without it, a random one of this runtime alone, as
   * Ray gives a job that names none an anonymous namespace.
   */
  public String namespace() {
    return runtime.actors().namespace();
  }

  /**
   * Kills the actor without restarting it, as Ray's {@code kill(actor)}: see
   * {@link #kill(ActorHandle, boolean)}.
   */
  public void kill(ActorHandle<?> actor) {
    kill(actor, true);
  }

  /**
   * Kills the actor: its running calls are interrupted. With {@code noRestart}, or when it has no
   * restart left, the actor dies, and its queued and running calls fail with
   * {@link ActorDiedException}. Otherwise it counts as a failure and the actor is rebuilt (see
   * {@link ActorHandle}). Killing a dead actor does nothing.
   */
  public void kill(ActorHandle<?> actor, boolean noRestart) {
    Objects.requireNonNull(actor, "actor");
    if (actor.remote != null) {
      actor.remote.kill(noRestart);
      return;
    }
    runtime.actors().kill(actor.actor, noRestart);
  }

  /**
   * Ends the actor whose method (or constructor) is running on this thread, without restart, as
   * Ray's {@code exitActor}: the current call's ref and every queued call fail with
   * {@link ActorDiedException}, and the actor's name and resources are freed. Never returns
   * normally: it throws an {@link Error} that unwinds the call, which must not be caught.
   *
   * @throws IllegalStateException when called outside an actor
   */
  public static void exitActor() {
    LocalRuntime.exitActor();
  }

  /**
   * Reserves {@code bundles} of resources together, as Ray's {@code placement_group(bundles,
   * strategy)}: every bundle at once or none. Returns at once; the group is PENDING until all of its
   * bundles fit, then CREATED ({@link PlacementGroup#ready()}, {@link PlacementGroup#wait}). Place
   * tasks and actors in it with {@code .placementGroup(group, bundleIndex)}.
   *
   * @param bundles each bundle's resources by name, such as {@code Map.of("CPU", 1.0)}
   * @throws IllegalArgumentException if there is no bundle, a bundle asks for nothing, or an amount
   *     is invalid (see {@link TaskOptions.Builder#resource})
   * @throws InfeasibleResourceException if the runtime could never hold the bundles together, or
   *     {@code STRICT_SPREAD} asks for more than one bundle on this one-node runtime
   *     (on a cluster: if the live nodes could never hold them as the strategy asks, such as
   *     {@code STRICT_SPREAD} with more bundles than live nodes)
   */
  public PlacementGroup placementGroup(List<Map<String, Double>> bundles, PlacementStrategy strategy) {
    return createPlacementGroup(bundles, strategy, null);
  }

  /**
   * As {@link #placementGroup(List, PlacementStrategy)}, under a name by which
   * {@link #getPlacementGroup} finds it while it is not removed.
   *
   * @throws IllegalArgumentException also if the name is blank or taken by a group not removed
   */
  public PlacementGroup placementGroup(List<Map<String, Double>> bundles, PlacementStrategy strategy, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must be a non-blank string, got '" + name + "'");
    }
    return createPlacementGroup(bundles, strategy, name);
  }

  private PlacementGroup createPlacementGroup(List<Map<String, Double>> bundles, PlacementStrategy strategy,
      String name) {
    Objects.requireNonNull(bundles, "bundles");
    Objects.requireNonNull(strategy, "strategy");
    if (bundles.isEmpty()) {
      throw new IllegalArgumentException("bundles must hold at least one bundle, got none");
    }
    for (int i = 0; i < bundles.size(); i++) {
      Map<String, Double> bundle = bundles.get(i);
      if (bundle == null) {
        throw new NullPointerException("bundles[" + i + "] is null");
      }
      boolean asks = false;
      for (Map.Entry<String, Double> e : bundle.entrySet()) {
        Objects.requireNonNull(e.getKey(), "resource name in bundles[" + i + "]");
        Objects.requireNonNull(e.getValue(), "amount of '" + e.getKey() + "' in bundles[" + i + "]");
        ResourceAmounts.check(e.getKey(), e.getValue());
        asks |= e.getValue() > 0;
      }
      if (!asks) {
        throw new IllegalArgumentException("bundles[" + i + "] must ask for more than 0 of some resource, got "
            + bundle);
      }
    }
    return runtime.createPlacementGroup(bundles, strategy, name);
  }

  /** The placement group created with {@code name}, if it is not removed (Ray's {@code get_placement_group}). */
  public Optional<PlacementGroup> getPlacementGroup(String name) {
    Objects.requireNonNull(name, "name");
    return runtime.placementGroups().named(name);
  }

  /** The placement group with {@code id}, removed ones included while listed in {@link #placementGroups()}. */
  public Optional<PlacementGroup> getPlacementGroupById(String id) {
    Objects.requireNonNull(id, "id");
    return runtime.placementGroups().byId(id);
  }

  /**
   * Every placement group, in creation order, with removed ones (the most recent thousand): Ray's
   * {@code getAllPlacementGroups}; each reads its {@link PlacementGroup#state()} now. See
   * {@link StateApi#placementGroups()} for the table with each bundle's use.
   */
  public List<PlacementGroup> placementGroups() {
    if (runtime.isClosed()) {
      throw new RuntimeClosedException("runtime '" + runtime.state().runtimeName() + "' is closed");
    }
    return List.copyOf(runtime.placementGroups().listAll());
  }

  /**
   * Removes a placement group, as Ray's {@code remove_placement_group}: its actors are killed
   * ({@link ActorDiedException}), its queued and running tasks cancelled (their refs fail with
   * {@link TaskCancelledException}; a running one is interrupted), its bundles released, and its
   * state becomes REMOVED. Removing a removed group does nothing.
   */
  public void removePlacementGroup(PlacementGroup group) {
    runtime.removePlacementGroup(Objects.requireNonNull(group, "group"));
  }

  /**
   * Stores {@code value} and returns its ref. The value is stored by reference, not copied, and
   * readers in this JVM get that same object back while it stays in memory: do not mutate it after
   * {@code put}. A value read back after it was spilled to disk is a copy.
   *
   * <p>The object lives while any ref to it is reachable or a pending task takes it as an argument,
   * or until {@link #free}.
   *
   * @throws ObjectStoreFullException if the value cannot be kept within the store's capacity and
   *     neither it nor anything else in memory can be spilled to make room
   */
  public <T> ObjectRef<T> put(T value) {
    return runtime.put(value);
  }

  /**
   * Waits for the object and returns it. Inside a task, the task's CPUs are lent to other tasks
   * while it waits.
   *
   * @throws TaskFailedException with the original exception as cause if the producing task threw
   * @throws TaskCancelledException if the producing task was cancelled
   */
  public <T> T get(ObjectRef<T> ref) {
    return runtime.get(ref, -1);
  }

  /**
   * As {@link #get(ObjectRef)}, waiting at most {@code timeout}.
   *
   * @throws GetTimeoutException if the object is not ready in time
   */
  public <T> T get(ObjectRef<T> ref, Duration timeout) {
    return runtime.get(ref, nanos(timeout));
  }

  /**
   * Says why the object is or is not ready yet: what produces it and what that waits for (its
   * arguments, resources and who holds them, the calls queued ahead on its actor, the object it is
   * blocked on in {@code get}), following the chain of blockers. A put object is always ready.
   * Read it as text ({@code toString()}) or through its fields.
   */
  public Explanation explain(ObjectRef<?> ref) {
    return runtime.explain(ref);
  }

  /** Waits for every object and returns them in the order of {@code refs}. */
  public <T> List<T> get(List<? extends ObjectRef<? extends T>> refs) {
    return runtime.getAll(refs, -1);
  }

  /** As {@link #get(List)}, waiting at most {@code timeout} in all. */
  public <T> List<T> get(List<? extends ObjectRef<? extends T>> refs, Duration timeout) {
    return runtime.getAll(refs, nanos(timeout));
  }

  /**
   * Waits until {@code numReturns} of {@code refs} are ready or {@code timeout} passes, and returns
   * the ready and not-ready refs in input order. A failed task counts as ready.
   *
   * @param refs the refs to wait for; each at most once, as in Ray
   * @param numReturns how many ready refs to wait for, 1 to {@code refs.size()}, or 0 when
   *     {@code refs} is empty (then the result is two empty lists at once, as in Ray)
   * @param timeout how long to wait at most; {@code null} waits without limit
   * @throws IllegalArgumentException if a ref appears twice in {@code refs}, or one is null
   */
  public <T> WaitResult<T> wait(List<ObjectRef<T>> refs, int numReturns, Duration timeout) {
    Objects.requireNonNull(refs, "refs");
    int index = 0;
    for (ObjectRef<T> ref : refs) {
      if (ref == null) {
        throw new IllegalArgumentException("refs[" + index + "] is null: wait takes ObjectRefs, as Ray's wait");
      }
      index++;
    }
    if (refs.isEmpty() && numReturns == 0) {
      return new WaitResult<>(List.of(), List.of());  // as Ray: nothing to wait for
    }
    if (numReturns < 1 || numReturns > refs.size()) {
      throw new IllegalArgumentException(
          "numReturns must be between 1 and refs.size() = " + refs.size() + ", got " + numReturns);
    }
    return runtime.waitFor(refs, numReturns, timeout == null ? -1 : nanos(timeout));
  }

  /** Waits until every ref is ready; see {@link #wait(List, int, Duration)}. */
  public <T> WaitResult<T> wait(List<ObjectRef<T>> refs) {
    return wait(refs, refs.size(), null);
  }

  /**
   * Cancels the task that produces {@code ref}. A task that has not started never runs. A running
   * task is told through {@link RuntimeContext#isCancelled()}, and with {@code force} its thread is
   * also interrupted. Either way, {@code get} of the ref throws {@link TaskCancelledException} from
   * now on, and the task is not retried.
   *
   * <p>For an actor call, as in Ray: a queued call never runs; a running one is never interrupted,
   * since that could leave the actor's state half-updated, but it sees
   * {@link RuntimeContext#isCancelled()}, its result is cancelled, and it is not retried if the
   * actor restarts.
   *
   * @return whether the task or call was cancelled; false if it had already finished, or if
   *     {@code ref} is a put object
   * @throws IllegalArgumentException if {@code force} is asked for an actor call
   */
  public boolean cancel(ObjectRef<?> ref, boolean force) {
    return runtime.cancel(ref, force);
  }

  /**
   * Releases the objects now, from memory and disk, whatever refs to them remain; a later
   * {@code get} of one of them, or a task that takes one as an argument, fails with
   * {@link ObjectLostException}. A task that produces one of them still runs; its result is
   * dropped.
   */
  public void free(List<? extends ObjectRef<?>> refs) {
    Objects.requireNonNull(refs, "refs");
    runtime.free(refs);
  }

  /**
   * The state API: the runtime's tasks, actors, objects, resources and workers now, as Ray's
   * {@code ray list} and {@code ray summary}.
   */
  public StateApi state() {
    if (runtime.isClosed()) {
      throw new RuntimeClosedException("runtime '" + runtime.state().runtimeName() + "' is closed");
    }
    return state;
  }

  /** The address of the dashboard this runtime started, if it started one. */
  public Optional<String> dashboardUrl() {
    return dashboard == null ? Optional.empty() : Optional.of(dashboard.url());
  }

  /** The object store's statistics now: objects and bytes in memory and spilled, restores, releases. */
  public ObjectStoreStats objectStoreStats() {
    return runtime.objectStoreStats();
  }

  /** The runtime's total resources, by name. */
  public Map<String, Double> totalResources() {
    return runtime.totalResources();
  }

  /** The resources not held by any task right now, by name. */
  public Map<String, Double> availableResources() {
    return runtime.availableResources();
  }

  /**
   * Writes the recorded task lifecycles as Chrome trace-event JSON (open it in Perfetto or
   * chrome://tracing): one row per worker, one bar per task run, with the time each task waited
   * for its arguments and resources. Under {@link Builder#deterministic(long)} times are logical (one
   * microsecond per reading of the clock) and workers are numbered in creation order, so that one
   * seed writes the same file run after run.
   */
  public void timeline(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    runtime.writeTimeline(file);
  }

  /** Whether this runtime was built with {@link Builder#deterministic(long)}. */
  boolean isDeterministic() {
    return runtime.schedule() != null;
  }

  /**
   * Under a deterministic run, waits for {@code future} through the schedule, lending a task's
   * CPUs meanwhile; false if {@code timeout} (null: none) passed because nothing else could run.
   */
  boolean awaitScheduled(java.util.concurrent.CompletableFuture<?> future, Duration timeout) {
    return runtime.awaitScheduled(future, timeout == null ? -1 : nanos(timeout));
  }

  /**
   * The nodes tasks run on, with their resources, state and address, as Ray's {@code ray.nodes()}:
   * this JVM alone for a local runtime, every node for one connected to a cluster.
   */
  public List<NodeInfo> nodes() {
    return runtime.nodes();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return runtime.isClosed();
  }

  /**
   * Cancels every task not yet started, interrupts those running, kills every actor (their pending
   * calls fail with {@link ActorDiedException}), waits for every worker and actor thread to end,
   * and releases the object store. Idempotent.
   *
   * <p>The wait is bounded by {@link Builder#shutdownTimeout} (default 30 seconds): a task or
   * actor call that ignores its interrupt past it is left running on its daemon thread, and close
   * returns normally after logging a warning (logger {@code io.raylite}) that names each one and
   * shows where its thread is.
   */
  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
    runtime.close();
  }

  @Override
  public String toString() {
    return runtime.toString();
  }

  /** The implementation, for tests in this package. */
  LocalRuntime runtime() {
    return runtime;
  }

  private static long nanos(Duration timeout) {
    return io.raylite.internal.object.Timeouts.nanos(timeout);
  }

  /** Builds a {@link Raylite} runtime. Setters check their arguments at once. */
  public static final class Builder {
    /** The most CPUs: the largest parallelism a {@code ForkJoinPool} takes. */
    private static final int MAX_CPUS = 32_767;
    /** The most GPU devices a runtime may declare. */
    private static final int MAX_GPUS = 65_536;
    /** The most finished tasks the timeline or the state API may keep. */
    private static final int MAX_KEPT_TASKS = 10_000_000;
    private double cpus = Runtime.getRuntime().availableProcessors();
    private Integer gpus;
    private GpuProvider gpuProvider;
    private boolean discoverGpus = true;
    private final Map<String, Double> custom = new LinkedHashMap<>();
    private Long memory;
    private Long objectStoreMemory;
    private Path spillDirectory;
    private SpillCodec spillCodec;
    private int timelineCapacity = 100_000;
    private int finishedTaskCapacity = 10_000;
    private Boolean dashboard;
    private Integer dashboardPort;
    private String dashboardHost;
    private PrintStream logStream = System.out;
    private String name;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private String address;
    private boolean serializeArguments;
    private String nodeId;
    private String namespace;
    private int generatorBackpressure;
    private int maxLineageTasks = io.raylite.internal.object.LineageLedger.DEFAULT_MAX_TASKS;
    private long maxLineageBytes = io.raylite.internal.object.LineageLedger.DEFAULT_MAX_BYTES;
    private Long deterministicSeed;
    private Duration slowGetWarning = DEFAULT_SLOW_GET_WARNING;

    private Builder() {}

    /**
     * The namespace of the runtime's named actors, as Ray's {@code ray.init(namespace=...)}
     * (default: an anonymous namespace, a random UUID, that no other runtime shares). See
     * {@link Raylite#namespace()}.
     */
    public Builder namespace(String runtimeNamespace) {
      if (runtimeNamespace == null || runtimeNamespace.isBlank()) {
        throw new IllegalArgumentException("namespace must be a non-blank string, got '" + runtimeNamespace + "'");
      }
      this.namespace = runtimeNamespace;
      return this;
    }

    /**
     * Connects to the cluster whose head listens at {@code hostPort} instead of running tasks in
     * this JVM, as Ray's {@code ray.init(address=...)}. Without it, the {@code raylite.address}
     * system property, then the {@code RAYLITE_ADDRESS} environment variable, are read; without
     * any, the runtime is local. Needs {@code io.raylite:raylite-cluster} on the class path.
     * Resources then come from the cluster, not from this builder.
     */
    public Builder address(String hostPort) {
      checkAddress(hostPort);
      this.address = hostPort;
      return this;
    }

    /**
     * Sends every task argument and result of this local runtime through the same codec a cluster
     * uses (with {@code raylite-cluster} on the class path, its codec; else Java serialization; both
     * under an allowlist, see {@link io.raylite.spi.AllowlistCodec}), so a
     * value that could not cross to another node fails here, at submission, naming the argument
     * (default off). Tasks then receive copies.
     */
    public Builder serializeArguments(boolean serialize) {
      this.serializeArguments = serialize;
      return this;
    }

    /** The node id this runtime's tasks report in {@link RuntimeContext#nodeId()} and their log lines; set by cluster nodes, whose own runtime is then always local. */
    public Builder nodeId(String id) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("nodeId must be a non-blank string, got '" + id + "'");
      }
      this.nodeId = id;
      return this;
    }

    private static void checkAddress(String hostPort) {
      int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1
          || !hostPort.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("address must be host:port, got '" + hostPort + "'");
      }
    }

    /** The address from the builder, -Draylite.address or RAYLITE_ADDRESS, or null. */
    private String resolvedAddress() {
      if (address != null || nodeId != null) {
        return address;  // a cluster node's own runtime is local, whatever the environment says
      }
      String from = System.getProperty("raylite.address");
      if (from == null || from.isBlank()) {
        from = System.getenv("RAYLITE_ADDRESS");
      }
      if (from == null || from.isBlank()) {
        return null;
      }
      checkAddress(from.strip());
      return from.strip();
    }

    /** Processor capacity: how many 1-CPU tasks run at once; also the size of the worker pool. */
    public Builder cpus(double count) {
      ResourceAmounts.check(Resources.CPU, count);
      if (count < 1) {
        throw new IllegalArgumentException("cpus must be >= 1, got " + count);
      }
      if (count > MAX_CPUS) {
        throw new IllegalArgumentException("cpus must be at most " + MAX_CPUS
            + " (the largest ForkJoinPool, which runs the tasks), got " + count);
      }
      this.cpus = count;
      return this;
    }

    /** Declares {@code count} GPU devices, ids 0..count-1, instead of discovering them. */
    public Builder gpus(int count) {
      if (count < 0 || count > MAX_GPUS) {
        throw new IllegalArgumentException("gpus must be between 0 and " + MAX_GPUS + ", got " + count);
      }
      this.gpus = count;
      return this;
    }

    /** Discovers GPUs with this provider instead of the ones found by {@link java.util.ServiceLoader}. */
    public Builder gpuProvider(GpuProvider provider) {
      this.gpuProvider = Objects.requireNonNull(provider, "gpuProvider");
      return this;
    }

    /** Whether to look for GPU providers on the class path when no GPU count is declared (default on). */
    public Builder discoverGpus(boolean discover) {
      this.discoverGpus = discover;
      return this;
    }

    /** Declares a custom resource with a total capacity. */
    public Builder resource(String resourceName, double capacity) {
      Objects.requireNonNull(resourceName, "resourceName");
      if (Resources.CPU.equals(resourceName) || Resources.GPU.equals(resourceName)
          || Resources.MEMORY.equals(resourceName)) {
        throw new IllegalArgumentException("resource '" + resourceName
            + "' is built in: use cpus(), gpus() or memory()");
      }
      ResourceAmounts.check(resourceName, capacity);
      custom.put(resourceName, capacity);
      return this;
    }

    /** The logical {@code memory} resource in bytes (default: the JVM's maximum heap). */
    public Builder memory(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("memory must be >= 0 bytes, got " + bytes);
      }
      this.memory = bytes;
      return this;
    }

    /**
     * The object store's in-memory capacity in bytes (default: 30% of the maximum heap). Past it,
     * objects are spilled to disk and read back when needed. Objects of at most 256 bytes are not
     * counted and never spilled (see {@link ObjectStoreStats#objectsInMemory()}).
     *
     * <p>The default leaves 70% of the heap to what tasks allocate while they run, to copies read
     * back from disk, and to the collector's headroom; stored values are on the same heap, so a
     * store allowed most of it would make every task allocation a full collection.
     */
    public Builder objectStoreMemory(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("objectStoreMemory must be >= 1 byte, got " + bytes);
      }
      this.objectStoreMemory = bytes;
      return this;
    }

    /**
     * Where the object store spills: the runtime creates its own directory inside {@code directory}
     * on the first spill and deletes it on {@link Raylite#close()} (default: the system temp
     * directory, {@code java.io.tmpdir}). Its own directory is readable and writable by this user
     * only, and so is each spill file.
     *
     * @throws IllegalArgumentException if other users may write to {@code directory} and it has no
     *     sticky bit (as the system temp directory has)
     */
    public Builder spillDirectory(Path directory) {
      Objects.requireNonNull(directory, "spillDirectory");
      if (Files.exists(directory) && !Files.isDirectory(directory)) {
        throw new IllegalArgumentException("spillDirectory must be a directory, got the file " + directory);
      }
      SpillDirectories.checkParent(directory);
      this.spillDirectory = directory;
      return this;
    }

    /**
     * How spilled objects are written and read back (default: {@link
     * io.raylite.spi.JavaSerializationCodec}). Objects the codec cannot write stay in memory.
     */
    public Builder spillCodec(SpillCodec codec) {
      this.spillCodec = Objects.requireNonNull(codec, "spillCodec");
      return this;
    }

    /** How many finished tasks the timeline keeps, the most recent (default 100,000; 0 turns it off). */
    public Builder timelineCapacity(int tasks) {
      if (tasks < 0 || tasks > MAX_KEPT_TASKS) {
        throw new IllegalArgumentException("timelineCapacity must be between 0 and " + MAX_KEPT_TASKS
            + " (its ring is allocated at once), got " + tasks);
      }
      this.timelineCapacity = tasks;
      return this;
    }

    /**
     * How many finished tasks the state API keeps, the most recent (default 10,000); live tasks
     * are always listed. 0 turns task tracking off: {@link StateApi#tasks} and
     * {@link StateApi#summary} then throw.
     */
    public Builder finishedTaskCapacity(int tasks) {
      if (tasks < 0 || tasks > MAX_KEPT_TASKS) {
        throw new IllegalArgumentException("finishedTaskCapacity must be between 0 and " + MAX_KEPT_TASKS
            + " (its ring is allocated at once), got " + tasks);
      }
      this.finishedTaskCapacity = tasks;
      return this;
    }

    /**
     * Whether to start the web dashboard when the {@code raylite-dashboard} module is on the class
     * path (default on, unless the system property {@code raylite.dashboard.port} is {@code off}).
     */
    public Builder dashboard(boolean start) {
      this.dashboard = start;
      return this;
    }

    /**
     * Starts the dashboard on {@code port}, or the next free port above it (0: any free port).
     * Default {@value Raylite#DEFAULT_DASHBOARD_PORT}, or the system property {@code raylite.dashboard.port}.
     */
    public Builder dashboard(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("dashboard port must be between 0 and 65535, got " + port);
      }
      this.dashboard = true;
      this.dashboardPort = port;
      return this;
    }

    /**
     * The address the dashboard binds to (default {@code 127.0.0.1}, or the system property {@code
     * raylite.dashboard.host}). On any address but loopback the dashboard asks for an access
     * token, printed once when it starts.
     */
    public Builder dashboardHost(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("dashboardHost must be a non-blank address, got '" + host + "'");
      }
      this.dashboardHost = host;
      return this;
    }

    /** Where {@link RuntimeContext#log} writes (default {@code System.out}). */
    public Builder logStream(PrintStream stream) {
      this.logStream = Objects.requireNonNull(stream, "logStream");
      return this;
    }

    /** A name for the runtime, used in its thread names (default {@code raylite-N}). */
    public Builder name(String runtimeName) {
      if (runtimeName == null || runtimeName.isBlank()) {
        throw new IllegalArgumentException("name must be a non-blank string, got '" + runtimeName + "'");
      }
      this.name = runtimeName;
      return this;
    }

    /**
     * How long {@link Raylite#close()} waits for interrupted tasks and actor calls to end (default
     * 30 seconds). Past it, close returns anyway and logs a warning naming each task and actor call
     * still running and where it is; their threads are daemon threads, so they do not keep the JVM
     * alive.
     */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "shutdownTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be >= 0, got " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * The back-pressure bound of streaming generators that set none (see
     * {@link TaskCall#generatorBackpressure}); unbounded unless set, as in Ray.
     *
     * @throws IllegalArgumentException if {@code maxUnconsumed} is below 1
     */
    public Builder generatorBackpressure(int maxUnconsumed) {
      if (maxUnconsumed < 1) {
        throw new IllegalArgumentException("generatorBackpressure must be >= 1, got " + maxUnconsumed);
      }
      this.generatorBackpressure = maxUnconsumed;
      return this;
    }

    /**
     * Runs tasks and actor calls one at a time, in an order drawn from {@code seed} (default off):
     * the same seed gives the same order, results and timeline, run after run. Work runs only while
     * a thread outside tasks (the driver) waits in {@code get} or {@code wait}; a timeout passes
     * only when nothing else can run, and a driver that waits for what can never be ready gets a
     * {@link ScheduleDeadlockException}. Threads the program starts itself, real time and I/O are
     * not controlled. Local runtimes only.
     */
    public Builder deterministic(long seed) {
      this.deterministicSeed = seed;
      return this;
    }

    /**
     * How long a {@code get} may wait before it logs, once, at WARNING to the {@code System.Logger}
     * named {@code io.raylite.get}, the {@linkplain Raylite#explain explanation} of what it waits
     * for (default 60 seconds). {@link Duration#ZERO} turns the warning off. No thread watches the
     * waiting gets: each logs from its own thread when its threshold passes.
     */
    public Builder slowGetWarning(Duration threshold) {
      Objects.requireNonNull(threshold, "slowGetWarning");
      if (threshold.isNegative()) {
        throw new IllegalArgumentException("slowGetWarning must be >= 0 (Duration.ZERO turns it off), got "
            + threshold);
      }
      this.slowGetWarning = threshold;
      return this;
    }

    /**
     * The most task results whose lineage (the task that rebuilds a lost result, as Ray reconstructs
     * objects) the runtime keeps, default 100,000; beyond it the oldest lineage is dropped, and those
     * objects can no longer be rebuilt once lost.
     *
     * @throws IllegalArgumentException if {@code tasks} is negative
     */
    public Builder maxLineageTasks(int tasks) {
      if (tasks < 0) {
        throw new IllegalArgumentException("maxLineageTasks must be >= 0 (0 keeps no lineage), got " + tasks);
      }
      this.maxLineageTasks = tasks;
      return this;
    }

    /**
     * The most bytes of task arguments the kept lineage may hold, as Ray's {@code max_lineage_bytes}
     * (default 1 GiB, as Ray's); beyond it the oldest lineage is dropped (see {@link #maxLineageTasks}).
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Builder maxLineageBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxLineageBytes must be >= 0 (0 keeps no lineage), got " + bytes);
      }
      this.maxLineageBytes = bytes;
      return this;
    }

    /**
     * Starts the runtime.
     *
     * @throws IllegalStateException if an address is set but no cluster backend is on the class path
     */
    public Raylite build() {
      long heap = Runtime.getRuntime().maxMemory();
      String clusterAddress = resolvedAddress();
      TaskBackend backend = null;
      double cpuCount = cpus;
      Integer gpuCount = gpus;
      Map<String, Double> customs = Map.copyOf(custom);
      Long memoryBytes = memory;
      if (clusterAddress != null && deterministicSeed != null) {
        throw new IllegalStateException("deterministic(" + deterministicSeed + ") runs tasks in this JVM only, "
            + "but address '" + clusterAddress + "' asks for a cluster");
      }
      if (clusterAddress != null) {
        ClusterProvider provider = ServiceLoader.load(ClusterProvider.class).findFirst()
            .orElseThrow(() -> new IllegalStateException("address '" + clusterAddress + "' asks for a "
                + "cluster, but no cluster backend is on the class path: add the artifact "
                + "io.raylite:raylite-cluster"));
        backend = provider.connect(clusterAddress);
        Map<String, Double> totals = new LinkedHashMap<>(backend.totalResources());
        cpuCount = Math.max(1, totals.getOrDefault(Resources.CPU, 1.0));
        gpuCount = (int) Math.floor(totals.getOrDefault(Resources.GPU, 0.0));
        memoryBytes = totals.getOrDefault(Resources.MEMORY, (double) heap).longValue();
        totals.keySet().removeAll(List.of(Resources.CPU, Resources.GPU, Resources.MEMORY));
        customs = Map.copyOf(totals);
      } else if (serializeArguments) {
        backend = new io.raylite.internal.SerializingBackend(
            io.raylite.spi.ValueCodec.load(Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : Raylite.class.getClassLoader()));
      }
      if (backend != null) {
        System.getLogger("io.raylite").log(System.Logger.Level.INFO, "Raylite runtime{0}: tasks run on {1}",
            name == null ? "" : " " + name, backend.description());
      }
      RuntimeConfig config = new RuntimeConfig(
          name, cpuCount, gpuCount, discoverGpus ? gpuProvider : null, discoverGpus, customs,
          memoryBytes != null ? memoryBytes : heap,
          objectStoreMemory != null ? objectStoreMemory : (long) (heap * 0.3),
          timelineCapacity, logStream, spillDirectory, spillCodec, shutdownTimeout, finishedTaskCapacity,
          dashboardOn(), dashboardHost != null ? dashboardHost : System.getProperty("raylite.dashboard.host", "127.0.0.1"),
          dashboardPort != null ? dashboardPort : propertyPort(), backend, nodeId, namespace, deterministicSeed,
          slowGetWarning);
      try {
        Raylite built = new Raylite(config);
        built.runtime.engine().generatorBackpressure(generatorBackpressure);
        built.runtime.engine().store.lineages.limits(maxLineageTasks, maxLineageBytes);
        return built;
      } catch (RuntimeException | Error e) {
        if (backend != null) {
          backend.close();
        }
        throw e;
      }
    }

    /** The builder's choice, else on unless {@code -Draylite.dashboard.port=off}. */
    private boolean dashboardOn() {
      if (dashboard != null) {
        return dashboard;
      }
      String port = System.getProperty("raylite.dashboard.port");
      return port == null || !(port.equalsIgnoreCase("off") || port.equalsIgnoreCase("false"));
    }

    /** The port of {@code -Draylite.dashboard.port}, or the default. */
    private static int propertyPort() {
      String port = System.getProperty("raylite.dashboard.port");
      if (port == null || port.equalsIgnoreCase("off") || port.equalsIgnoreCase("false")) {
        return DEFAULT_DASHBOARD_PORT;
      }
      try {
        int value = Integer.parseInt(port.strip());
        if (value >= 0 && value <= 65_535) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below with the allowed values
      }
      throw new IllegalArgumentException("system property raylite.dashboard.port must be a port between 0 "
          + "and 65535, or off, got '" + port + "'");
    }
  }
}
