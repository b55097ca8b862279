package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.LocalRuntime;
import io.raylite.internal.task.FunctionNames;
import io.raylite.internal.task.GeneratorStream;

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
  /** The generator back-pressure bound, or 0 for the runtime's default; see generatorBackpressure. */
  private int maxUnconsumed;

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

  /** See {@link TaskOptions.Builder#placementGroup(PlacementGroup, int)}. */
  public TaskCall<R> placementGroup(PlacementGroup group, int bundleIndex) {
    builder().placementGroup(group, bundleIndex);
    return this;
  }

  /** See {@link TaskOptions.Builder#placementGroup(PlacementGroup)}: whichever bundle has room. */
  public TaskCall<R> placementGroup(PlacementGroup group) {
    builder().placementGroup(group);
    return this;
  }

  /**
   * The most values a generator submitted by {@link #remoteGenerator()} may have produced and not
   * yet handed out ({@link ObjectRefGenerator#next()}), as Ray's
   * {@code _generator_backpressure_num_objects}: the producer blocks, lending its CPUs, until the
   * consumer takes one. Default: {@link Raylite.Builder#generatorBackpressure}, unbounded unless set.
   *
   * @throws IllegalArgumentException if {@code maxUnconsumed} is below 1
   */
  public TaskCall<R> generatorBackpressure(int maxUnconsumed) {
    if (maxUnconsumed < 1) {
      throw new IllegalArgumentException("generatorBackpressure must be >= 1, got " + maxUnconsumed);
    }
    this.maxUnconsumed = maxUnconsumed;
    return this;
  }

  /**
   * Makes this a call of a function that returns {@code numReturns} values, as Ray's
   * {@code num_returns}; set the other options first. See {@link MultiReturnCall#remote()}.
   *
   * @throws IllegalArgumentException if {@code numReturns} is below 1
   */
  public MultiReturnCall numReturns(int numReturns) {
    return new MultiReturnCall(runtime.engine(), function, runtime.engine().backend == null, this::submit,
        () -> options.name() != null ? options.name() : FunctionNames.of(function), numReturns);
  }

  /** Submits {@code f}, the function or what runs in its place, with this call's arguments and options. */
  private <X> ObjectRef<X> submit(RayFunc f) {
    if (builder != null) {
      options = builder.build();
      builder = null;
    }
    return runtime.submitTask(f, args, refMask, options);
  }

  /**
   * Submits the task as a streaming generator, as Ray's {@code num_returns="streaming"}: the
   * function returns a {@link java.util.stream.Stream}, {@link java.util.Iterator} or
   * {@link Iterable}, which the task consumes one value at a time, storing each as an object whose
   * ref the returned generator hands out as soon as it is stored, before the task ends. See
   * {@link ObjectRefGenerator}. A failure of the function, or of the stream, ends the generator
   * with the task's exception after the values already produced. With retries, a failed attempt
   * runs the function again from its start and skips the values already produced, so the function
   * must produce the same sequence each time, as in Ray. On a cluster, the task runs on a node
   * and sends each value to the caller as it is produced, without back-pressure.
   *
   * @param <T> the type of the generated values (not checked, as {@link Raylite#getActor})
   * @throws IllegalArgumentException if the function returns void
   * @throws UnsupportedOperationException in a runtime that serializes its tasks' arguments
   *     ({@code serializeArguments}) without a cluster, or on a cluster with a
   *     {@link #generatorBackpressure} (the call's or the runtime's), which does not cross nodes
   * @throws InfeasibleResourceException if the runtime can never provide the requested resources
   * @throws RuntimeClosedException if the runtime was closed
   */
  public <T> ObjectRefGenerator<T> remoteGenerator() {
    if (runtime.engine().backend != null) {
      return io.raylite.internal.RemoteGenerators.start(runtime.engine(), function, maxUnconsumed, this::submit);
    }
    io.raylite.internal.task.Engine engine = runtime.engine();
    GeneratorStream<T> stream = new GeneratorStream<>(engine,
        maxUnconsumed > 0 ? maxUnconsumed : engine.generatorBackpressure(), -1, null);
    return stream.start(submit(stream.producerOf(function)));
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
