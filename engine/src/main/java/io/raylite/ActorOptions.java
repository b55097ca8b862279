package io.raylite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How an actor lives: the resources it holds for its lifetime, its name, how many calls it runs at
 * once, how it recovers from failures and how many calls may wait for it. Immutable; build one with
 * {@link #builder()} to reuse it across actors, or set the same options directly on an
 * {@link ActorCreation}. Every setter checks its argument at once.
 *
 * <p>Defaults, as in Ray: 0 CPU and no other resource, no name, one call at a time, no restart, no
 * retry of calls lost to a failure, and no limit on pending calls.
 */
public final class ActorOptions {
  private static final ActorOptions DEFAULTS = builder().build();

  private final Map<String, Double> resources;
  private final String name;
  private final String namespace;
  private final ActorLifetime lifetime;
  private final int maxRestarts;
  private final int maxTaskRetries;
  private final int maxConcurrency;
  private final int maxPendingCalls;
  private final List<ConcurrencyGroup> concurrencyGroups;
  private final PlacementGroup placementGroup;
  private final int bundleIndex;
  private final boolean dedicatedThread;

  private ActorOptions(Builder b) {
    this.resources = b.resources.toMap();
    this.name = b.name;
    this.namespace = b.namespace;
    this.lifetime = b.lifetime;
    this.maxRestarts = b.maxRestarts;
    this.maxTaskRetries = b.maxTaskRetries;
    this.maxConcurrency = b.maxConcurrency;
    this.maxPendingCalls = b.maxPendingCalls;
    this.concurrencyGroups = List.copyOf(b.concurrencyGroups);
    this.placementGroup = b.placementGroup;
    this.bundleIndex = b.bundleIndex;
    this.dedicatedThread = b.dedicatedThread;
  }

  /** The default options: 0 CPU, one call at a time, no restart. */
  public static ActorOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.resources.putAll(resources);
    b.name = name;
    b.namespace = namespace;
    b.lifetime = lifetime;
    b.maxRestarts = maxRestarts;
    b.maxTaskRetries = maxTaskRetries;
    b.maxConcurrency = maxConcurrency;
    b.maxPendingCalls = maxPendingCalls;
    b.concurrencyGroups.addAll(concurrencyGroups);
    b.placementGroup = placementGroup;
    b.bundleIndex = bundleIndex;
    b.dedicatedThread = dedicatedThread;
    return b;
  }

  /** The resources held from creation to death, by name, with the 0-CPU default filled in. */
  public Map<String, Double> resources() {
    return resources;
  }

  /** The name under which {@link Raylite#getActor} finds the actor, or null. */
  public String name() {
    return name;
  }

  /**
   * The namespace the actor's name belongs to, or null for the runtime's own
   * ({@link Raylite#namespace()}).
   */
  public String namespace() {
    return namespace;
  }

  /** Whether the actor ends when no handle to it is reachable; see {@link ActorLifetime}. */
  public ActorLifetime lifetime() {
    return lifetime;
  }

  /** How many times the actor is rebuilt after a failure; -1 for no limit. */
  public int maxRestarts() {
    return maxRestarts;
  }

  /** How many times a call lost to an actor failure is run again; -1 for no limit. */
  public int maxTaskRetries() {
    return maxTaskRetries;
  }

  /** How many calls of the default group run at once. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** How many calls each caller may have queued or running at once; -1 for no limit. */
  public int maxPendingCalls() {
    return maxPendingCalls;
  }

  /** The named concurrency groups, in the order they were added. */
  public List<ConcurrencyGroup> concurrencyGroups() {
    return concurrencyGroups;
  }

  /** The placement group whose bundle provides the resources, or null for the runtime's pool. */
  public PlacementGroup placementGroup() {
    return placementGroup;
  }

  /** The bundle index in {@link #placementGroup()}; -1 for whichever bundle has room. */
  public int bundleIndex() {
    return bundleIndex;
  }

  /** Whether the constructor and every call run on one platform thread of the actor's own. */
  public boolean dedicatedThread() {
    return dedicatedThread;
  }

  @Override
  public String toString() {
    return "ActorOptions" + resources + (name == null ? "" : " name=" + name)
        + (namespace == null ? "" : " namespace=" + namespace)
        + (lifetime == ActorLifetime.DETACHED ? " detached" : "")
        + " maxRestarts=" + maxRestarts + " maxTaskRetries=" + maxTaskRetries
        + " maxConcurrency=" + maxConcurrency + " maxPendingCalls=" + maxPendingCalls
        + (concurrencyGroups.isEmpty() ? "" : " groups=" + concurrencyGroups)
        + (dedicatedThread ? " dedicatedThread" : "");
  }

  /** Builds {@link ActorOptions}; each setter validates its argument immediately. */
  public static final class Builder {
    private final ResourceAmounts resources = new ResourceAmounts(0.0);
    private String name;
    private String namespace;
    private ActorLifetime lifetime = ActorLifetime.NON_DETACHED;
    private int maxRestarts;
    private int maxTaskRetries;
    private int maxConcurrency = 1;
    private int maxPendingCalls = -1;
    private final List<ConcurrencyGroup> concurrencyGroups = new ArrayList<>();
    private PlacementGroup placementGroup;
    private int bundleIndex = -1;
    private boolean dedicatedThread;

    private Builder() {}

    /** CPUs held for the actor's lifetime (default 0). */
    public Builder numCpus(double cpus) {
      resources.numCpus(cpus);
      return this;
    }

    /**
     * GPUs held for the actor's lifetime: a fraction below 1 shares one device, above 1 a whole
     * number. The actor's calls see the device ids in {@link RuntimeContext#gpuIds()}.
     */
    public Builder numGpus(double gpus) {
      resources.numGpus(gpus);
      return this;
    }

    /** Logical memory in bytes held for the actor's lifetime. */
    public Builder memory(long bytes) {
      resources.memory(bytes);
      return this;
    }

    /** An amount of any resource held for the actor's lifetime; see {@link TaskOptions.Builder#resource}. */
    public Builder resource(String resourceName, double amount) {
      resources.set(resourceName, amount);
      return this;
    }

    /**
     * A name, unique among the live actors of its namespace, under which {@link Raylite#getActor}
     * finds it. The namespace is the runtime's ({@link Raylite#namespace()}) unless
     * {@link #namespace} says otherwise.
     */
    public Builder name(String actorName) {
      if (actorName == null || actorName.isBlank()) {
        throw new IllegalArgumentException("name must be a non-blank string, got '" + actorName + "'");
      }
      this.name = actorName;
      return this;
    }

    /**
     * A name in the given namespace, as Ray Java's {@code setName(name, namespace)}: see
     * {@link #name(String)} and {@link #namespace(String)}.
     */
    public Builder name(String actorName, String actorNamespace) {
      name(actorName);
      return namespace(actorNamespace);
    }

    /**
     * The namespace the actor's name belongs to (default: the runtime's, {@link
     * Raylite#namespace()}), as Ray's {@code options(namespace=...)}: {@link
     * Raylite#getActor(String, String)} finds it there from any namespace.
     */
    public Builder namespace(String actorNamespace) {
      if (actorNamespace == null || actorNamespace.isBlank()) {
        throw new IllegalArgumentException("namespace must be a non-blank string, got '" + actorNamespace + "'");
      }
      this.namespace = actorNamespace;
      return this;
    }

    /**
     * How long the actor lives (default {@link ActorLifetime#NON_DETACHED}: while a handle to it is
     * reachable), as Ray's {@code lifetime}; {@link ActorLifetime#DETACHED} keeps it until it is
     * killed or the runtime closes.
     */
    public Builder lifetime(ActorLifetime actorLifetime) {
      if (actorLifetime == null) {
        throw new IllegalArgumentException("lifetime must be DETACHED or NON_DETACHED, got null");
      }
      this.lifetime = actorLifetime;
      return this;
    }

    /**
     * How many times the actor is rebuilt, by running its constructor again, after its constructor
     * or a method throws an {@link Error} or it is killed with restart allowed (0 or more; -1 for no
     * limit; default 0).
     */
    public Builder maxRestarts(int restarts) {
      if (restarts < -1) {
        throw new IllegalArgumentException("maxRestarts must be >= 0, or -1 for no limit, got " + restarts);
      }
      this.maxRestarts = restarts;
      return this;
    }

    /**
     * How many times a call that was queued or running when the actor failed runs again on the
     * rebuilt actor (0 or more; -1 for no limit; default 0, so such calls fail with
     * {@link ActorDiedException}). A method that throws an {@link Exception} is never retried.
     */
    public Builder maxTaskRetries(int retries) {
      if (retries < -1) {
        throw new IllegalArgumentException("maxTaskRetries must be >= 0, or -1 for no limit, got " + retries);
      }
      this.maxTaskRetries = retries;
      return this;
    }

    /**
     * How many calls of the default group run at once (default 1: one at a time, in submission
     * order). Above 1 the actor is threaded: its methods must be thread-safe.
     */
    public Builder maxConcurrency(int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("maxConcurrency must be >= 1, got " + calls);
      }
      if (calls > 1 && dedicatedThread) {
        throw new IllegalArgumentException("maxConcurrency(" + calls + ") cannot be combined with dedicatedThread(): "
            + "one thread runs one call at a time; use maxConcurrency(1) or drop dedicatedThread()");
      }
      this.maxConcurrency = calls;
      return this;
    }

    /**
     * How many calls each caller may have queued or running at once (1 or more; -1, the default,
     * for no limit); a call beyond it fails at submission with {@link PendingCallsExceededException}.
     * As in Ray, where each worker holding a handle keeps its own count, the count is per caller:
     * the driver (every thread outside tasks and actors), each task, and each actor submitting
     * from its methods.
     */
    public Builder maxPendingCalls(int calls) {
      if (calls < 1 && calls != -1) {
        throw new IllegalArgumentException("maxPendingCalls must be >= 1, or -1 for no limit, got " + calls);
      }
      this.maxPendingCalls = calls;
      return this;
    }

    /** Adds named concurrency groups; see {@link ConcurrencyGroup}. Group names must be unique. */
    public Builder concurrencyGroups(ConcurrencyGroup... groups) {
      if (dedicatedThread && groups.length > 0) {
        throw new IllegalArgumentException("concurrencyGroups cannot be combined with dedicatedThread(): "
            + "one thread runs one call at a time; drop one of them");
      }
      for (ConcurrencyGroup group : groups) {
        Objects.requireNonNull(group, "concurrencyGroups element");
        for (ConcurrencyGroup existing : concurrencyGroups) {
          if (existing.name().equals(group.name())) {
            throw new IllegalArgumentException("concurrency group '" + group.name() + "' is declared twice");
          }
        }
        concurrencyGroups.add(group);
      }
      return this;
    }

    /**
     * Takes the resources held for its lifetime from bundle {@code bundleIndex} of {@code group}
     * instead of the runtime's pool, as Ray's {@code PlacementGroupSchedulingStrategy}; -1 takes
     * them from whichever bundle has room. The resources must fit in the bundle.
     *
     * @throws IllegalArgumentException if the index is not -1 and not a bundle index of the group
     */
    public Builder placementGroup(PlacementGroup group, int bundleIndex) {
      TaskOptions.checkBundleIndex(group, bundleIndex);
      this.placementGroup = group;
      this.bundleIndex = bundleIndex;
      return this;
    }

    /** As {@link #placementGroup(PlacementGroup, int)} with index -1: whichever bundle has room. */
    public Builder placementGroup(PlacementGroup group) {
      return placementGroup(group, -1);
    }

    /**
     * Runs the constructor and every call on one platform thread of the actor's own (default off),
     * as Ray's Java actors run on their worker's thread: for code that relies on thread identity,
     * such as {@link ThreadLocal} state or a library bound to the thread that opened it. The
     * actor still runs one call at a time, so this cannot be combined with
     * {@code maxConcurrency} above 1 or with concurrency groups. A rebuilt actor gets a new
     * thread; the thread ends when the actor dies or the runtime closes. Without it, calls run
     * on whichever virtual thread drains the mailbox, which may differ from call to call.
     *
     * @throws IllegalArgumentException if {@code maxConcurrency} above 1 or a concurrency group
     *     is already set
     */
    public Builder dedicatedThread(boolean dedicated) {
      if (dedicated && maxConcurrency > 1) {
        throw new IllegalArgumentException("dedicatedThread() cannot be combined with maxConcurrency("
            + maxConcurrency + "): one thread runs one call at a time; use maxConcurrency(1) or drop dedicatedThread()");
      }
      if (dedicated && !concurrencyGroups.isEmpty()) {
        throw new IllegalArgumentException("dedicatedThread() cannot be combined with concurrencyGroups "
            + concurrencyGroups + ": one thread runs one call at a time; drop one of them");
      }
      this.dedicatedThread = dedicated;
      return this;
    }

    /** The options as set so far. */
    public ActorOptions build() {
      return new ActorOptions(this);
    }
  }
}
