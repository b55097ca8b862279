package io.raylite.internal.task;

import io.raylite.ObjectLostException;
import io.raylite.RayliteException;
import io.raylite.TaskOptions;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.Lineage;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.resource.Scheduler;

/**
 * How to make a task's result again: its function, its arguments (values, and the entries of its
 * ObjectRef arguments), its options and resource shape, with the retries it has left. Kept by the
 * result's entry, only for a result large enough to be spilled whose task may still be retried,
 * until the entry is released. When the result's spill file turns out corrupt or missing, the
 * reader re-runs the task, as Ray rebuilds a lost object from its lineage, and the rebuild counts
 * as a retry. A put object has no lineage: its loss is final.
 *
 * <p>The argument entries are kept without a use: an argument released since cannot be read, and
 * the rebuild then fails with the argument's {@link ObjectLostException}.
 *
 * @param attempt the attempt that produced the result: the rebuild is the next one, within the
 *     task's maxRetries, as Ray numbers a reconstruction
 */
record TaskLineage(Engine engine, RayFunc function, Object[] args, int refMask, TaskOptions options,
    String name, ResourceShape request, int attempt, Scheduler<TaskRun> scheduler) implements Lineage {

  /** The lineage of a task that finished on {@code attempt}, or null if it has no retry left. */
  static TaskLineage of(Engine engine, RayFunc function, Object[] args, int refMask, TaskOptions options,
      String name, ResourceShape request, int attempt, Scheduler<TaskRun> scheduler) {
    int max = options.maxRetries();
    if (function == null || (max >= 0 && attempt >= max)) {
      return null;
    }
    return new TaskLineage(engine, function, args, refMask, options, name, request, attempt, scheduler);
  }

  /** The task's argument values, its ref arguments left out: what the lineage bound counts. */
  static Object[] valueArguments(Object[] args, int refMask) {
    if (args == null) {
      return new Object[0];
    }
    Object[] values = args.clone();
    for (int i = 0; i < values.length; i++) {
      if ((refMask & (1 << i)) != 0) {
        values[i] = null;
      }
    }
    return values;
  }

  /** Why a result of this task keeps no lineage, for the ObjectLostException of its loss. */
  static String whyNone(String name, TaskOptions options) {
    return "its task '" + name + "' has no retry left (maxRetries(" + options.maxRetries() + ")), and Ray counts "
        + "a rebuild as a retry";
  }

  /**
   * Runs the task again through the scheduler, on behalf of a reader of {@code entry}, and waits
   * for its result. The rebuilt task uses one retry.
   *
   * @return the rebuilt task's result entry, ready (it carries the lineage that is left)
   * @throws RayliteException if the rebuilt task fails
   */
  @Override
  public ObjectEntry rerun(ObjectEntry entry) {
    engine.checkOpen();
    Object[] a = args.clone();
    for (int i = 0; i < a.length; i++) {
      if ((refMask & (1 << i)) != 0) {
        a[i] = new ObjectRefImpl<>((ObjectEntry) a[i]);
      }
    }
    TaskOptions rebuilt = options.toBuilder().name(name).build();
    TaskRun task = new TaskRun(engine, engine.nextTaskId(), name, rebuilt, request, function, a, refMask);
    task.attempt = attempt + 1;  // its own retries, if it fails, continue from there
    task.placeIn(scheduler);  // a task of a placement-group bundle runs there again
    ObjectRefImpl<Object> ref = new ObjectRefImpl<>(task.result);
    task.resolveArguments();
    Blocking.await(task.result, -1);  // throws the rebuilt task's failure
    java.lang.ref.Reference.reachabilityFence(ref);
    return task.result;
  }
}
