package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.LocalRuntime;

/**
 * A task about to be submitted: set its options, then call {@link #remote()}. Created by the
 * {@code task} methods of {@link Raylite}. Not thread-safe; use one call per submission or reuse
 * it from a single thread (each {@code remote()} submits a new task).
 *
 * @param <R> the task's result type
 */
public final class TaskCall<R> {
  private final LocalRuntime runtime;
  private final int refMask;
  private final RayFunc function;
  private final Object[] args;
  private TaskOptions options = TaskOptions.defaults();
  private TaskOptions.Builder builder;

  TaskCall(LocalRuntime runtime, int refMask, RayFunc function, Object[] args) {
    this.runtime = runtime;
    this.refMask = refMask;
    this.function = function;
    this.args = args;
  }

  private TaskOptions.Builder builder() {
    if (builder == null) {
      builder = options.toBuilder();
    }
    return builder;
  }

  /** Replaces every option with {@code taskOptions}. */
  public TaskCall<R> options(TaskOptions taskOptions) {
    this.options = java.util.Objects.requireNonNull(taskOptions, "options");
    this.builder = null;
    return this;
  }

  /** See {@link TaskOptions.Builder#numCpus}. */
  public TaskCall<R> numCpus(double cpus) {
    builder().numCpus(cpus);
    return this;
  }

  /** See {@link TaskOptions.Builder#numGpus}. */
  public TaskCall<R> numGpus(double gpus) {
    builder().numGpus(gpus);
    return this;
  }

  /** See {@link TaskOptions.Builder#memory}. */
  public TaskCall<R> memory(long bytes) {
    builder().memory(bytes);
    return this;
  }

  /** See {@link TaskOptions.Builder#resource}. */
  public TaskCall<R> resource(String name, double amount) {
    builder().resource(name, amount);
    return this;
  }

  /** See {@link TaskOptions.Builder#name}. */
  public TaskCall<R> name(String name) {
    builder().name(name);
    return this;
  }

  /** See {@link TaskOptions.Builder#maxRetries}. */
  public TaskCall<R> maxRetries(int retries) {
    builder().maxRetries(retries);
    return this;
  }

  /** See {@link TaskOptions.Builder#retryExceptions}. */
  @SafeVarargs
  public final TaskCall<R> retryExceptions(Class<? extends Throwable>... types) {
    builder().retryExceptions(types);
    return this;
  }

  /** See {@link TaskOptions.Builder#retryAllExceptions}. */
  public TaskCall<R> retryAllExceptions() {
    builder().retryAllExceptions();
    return this;
  }

  /** See {@link TaskOptions.Builder#priority}. */
  public TaskCall<R> priority(int priority) {
    builder().priority(priority);
    return this;
  }

  /** See {@link TaskOptions.Builder#blocking}. */
  public TaskCall<R> blocking() {
    builder().blocking(true);
    return this;
  }

  /**
   * Submits the task and returns the ref of its result at once.
   *
   * @throws InfeasibleResourceException if the runtime can never provide the requested resources
   * @throws RuntimeClosedException if the runtime was closed
   */
  public ObjectRef<R> remote() {
    if (builder != null) {
      options = builder.build();
      builder = null;
    }
    return runtime.submitTask(function, args, refMask, options);
  }
}
