package io.raylite;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a task runs: the resources it holds while running, its name, and how failures are retried.
 * Immutable; build one with {@link #builder()} to reuse it across calls, or set the same options
 * directly on a {@link TaskCall}. Every setter checks its argument at once.
 *
 * <p>Defaults, as in Ray: 1 CPU, no other resource, a name derived from the function, at most 3
 * retries but of no exception type (so nothing is retried until {@link Builder#retryExceptions} or
 * {@link Builder#retryAllExceptions} says which failures are worth retrying).
 */
public final class TaskOptions {
  /** Ray's default number of retries. */
  public static final int DEFAULT_MAX_RETRIES = 3;

  private static final TaskOptions DEFAULTS = builder().build();

  private final Map<String, Double> resources;
  private final String name;
  private final int maxRetries;
  private final List<Class<? extends Throwable>> retryExceptions;
  private final boolean retryAllExceptions;
  private final boolean blocking;
  private final PlacementGroup placementGroup;
  private final int bundleIndex;
  private final int priority;

  private TaskOptions(Builder b) {
    this.resources = b.resources.toMap();
    this.name = b.name;
    this.maxRetries = b.maxRetries;
    this.retryExceptions = List.copyOf(b.retryExceptions);
    this.retryAllExceptions = b.retryAllExceptions;
    this.blocking = b.blocking;
    this.placementGroup = b.placementGroup;
    this.bundleIndex = b.bundleIndex;
    this.priority = b.priority;
  }

  /**
   * The default options: 1 CPU, and up to {@value #DEFAULT_MAX_RETRIES} retries of the exception
   * types named by {@link Builder#retryExceptions}, which names none: nothing is retried by default.
   */
  public static TaskOptions defaults() {
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
    b.maxRetries = maxRetries;
    b.retryExceptions.addAll(retryExceptions);
    b.retryAllExceptions = retryAllExceptions;
    b.blocking = blocking;
    b.placementGroup = placementGroup;
    b.bundleIndex = bundleIndex;
    b.priority = priority;
    return b;
  }

  /** The requested resources by name, with the 1-CPU default filled in when CPU was not set. */
  public Map<String, Double> resources() {
    return resources;
  }

  /** The task name, or null to derive it from the function. */
  public String name() {
    return name;
  }

  /** How many times a failed task is run again, for the exception types that are retried. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The exception types that are retried (with their subclasses). */
  public List<Class<? extends Throwable>> retryExceptions() {
    return retryExceptions;
  }

  /** Whether every exception is retried. */
  public boolean retryAllExceptions() {
    return retryAllExceptions;
  }

  /** Whether the task blocks on I/O and so runs on a virtual thread. */
  public boolean blocking() {
    return blocking;
  }

  /** The placement group whose bundle provides the resources, or null for the runtime's pool. */
  public PlacementGroup placementGroup() {
    return placementGroup;
  }

  /** The bundle index in {@link #placementGroup()}; -1 for whichever bundle has room. */
  public int bundleIndex() {
    return bundleIndex;
  }

  /** The task's priority (default 0); see {@link Builder#priority}. */
  public int priority() {
    return priority;
  }

  @Override
  public String toString() {
    return "TaskOptions" + resources + (name == null ? "" : " name=" + name)
        + " maxRetries=" + maxRetries + (blocking ? " blocking" : "") + (priority == 0 ? "" : " priority=" + priority);
  }

  /** Builds {@link TaskOptions}; each setter validates its argument immediately. */
  public static final class Builder {
    private final ResourceAmounts resources = new ResourceAmounts(1.0);
    private String name;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private final java.util.ArrayList<Class<? extends Throwable>> retryExceptions = new java.util.ArrayList<>();
    private boolean retryAllExceptions;
    private boolean blocking;
    private PlacementGroup placementGroup;
    private int bundleIndex = -1;
    private int priority;

    private Builder() {}

    /** CPUs held while running (default 1); 0 runs the task on a virtual thread. */
    public Builder numCpus(double cpus) {
      resources.numCpus(cpus);
      return this;
    }

    /** GPUs held while running: a fraction below 1 shares one device, above 1 a whole number. */
    public Builder numGpus(double gpus) {
      resources.numGpus(gpus);
      return this;
    }

    /** Logical memory in bytes held while running. */
    public Builder memory(long bytes) {
      resources.memory(bytes);
      return this;
    }

    /**
     * An amount of any resource held while running. Amounts are rounded to 1/10,000; they must be
     * finite and >= 0, and a GPU amount above 1 must be whole. 0 removes the request.
     */
    public Builder resource(String resourceName, double amount) {
      resources.set(resourceName, amount);
      return this;
    }

    /** The task name shown in logs, errors and the timeline. */
    public Builder name(String taskName) {
      if (taskName == null || taskName.isBlank()) {
        throw new IllegalArgumentException("name must be a non-blank string, got '" + taskName + "'");
      }
      this.name = taskName;
      return this;
    }

    /** How many times a retryable failure is retried (0 or more; -1 for no limit). */
    public Builder maxRetries(int retries) {
      if (retries < -1) {
        throw new IllegalArgumentException("maxRetries must be >= 0, or -1 for no limit, got " + retries);
      }
      this.maxRetries = retries;
      return this;
    }

    /** The exception types that are retried (subtypes included); none by default. */
    @SafeVarargs
    public final Builder retryExceptions(Class<? extends Throwable>... types) {
      for (Class<? extends Throwable> type : types) {
        retryExceptions.add(Objects.requireNonNull(type, "retryExceptions element"));
      }
      return this;
    }

    /** Retries every exception, as Ray's {@code retry_exceptions=True}. */
    public Builder retryAllExceptions() {
      this.retryAllExceptions = true;
      return this;
    }

    /** Marks the task as blocking (I/O, sleeping, waiting): it runs on a virtual thread. */
    public Builder blocking(boolean isBlocking) {
      this.blocking = isBlocking;
      return this;
    }

    /**
     * Takes the resources held while running from bundle {@code bundleIndex} of {@code group}
     * instead of the runtime's pool, as Ray's {@code PlacementGroupSchedulingStrategy}; -1 takes
     * them from whichever bundle has room. The resources must fit in the bundle.
     *
     * @throws IllegalArgumentException if the index is not -1 and not a bundle index of the group
     */
    public Builder placementGroup(PlacementGroup group, int bundleIndex) {
      checkBundleIndex(group, bundleIndex);
      this.placementGroup = group;
      this.bundleIndex = bundleIndex;
      return this;
    }

    /** As {@link #placementGroup(PlacementGroup, int)} with index -1: whichever bundle has room. */
    public Builder placementGroup(PlacementGroup group) {
      return placementGroup(group, -1);
    }

    /**
     * The task's priority (default 0, any int): among queued tasks whose resources are free, higher
     * priorities start first, across resource shapes; equal priorities start in submission order.
     * Strict: a steady stream of higher-priority tasks keeps lower-priority ones waiting.
     */
    public Builder priority(int taskPriority) {
      this.priority = taskPriority;
      return this;
    }

    /** The options as set so far. */
    public TaskOptions build() {
      return new TaskOptions(this);
    }
  }

  /** Checks a placement-group bundle index for task and actor options alike: -1 (any) or a bundle's. */
  static void checkBundleIndex(PlacementGroup group, int bundleIndex) {
    Objects.requireNonNull(group, "placementGroup");
    if (bundleIndex < -1 || bundleIndex >= group.bundleCount()) {
      throw new IllegalArgumentException("bundleIndex must be -1 (any bundle) or from 0 to "
          + (group.bundleCount() - 1) + " for placement group " + group.id() + " of " + group.bundleCount()
          + " bundles, got " + bundleIndex);
    }
  }
}
