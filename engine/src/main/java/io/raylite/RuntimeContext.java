package io.raylite;

import java.util.List;
import java.util.Map;

/**
 * What a running task or actor call knows about itself. Obtain it with {@link Raylite#context()}
 * from the thread that runs the task.
 */
public interface RuntimeContext {

  /** The runtime that runs this task. */
  Raylite runtime();

  /** The task id, unique within the runtime. */
  String taskId();

  /** The task name: the one given in the options, else derived from the function. */
  String taskName();

  /** Which attempt this is: 0 for the first run, 1 for the first retry, and so on. */
  int attempt();

  /** The resources this task holds while it runs, by name. */
  Map<String, Double> resources();

  /** The GPU device ids assigned to this task, in ascending order; empty when it asked for none. */
  List<Integer> gpuIds();

  /** The name of the worker running this task, as shown in logs and in the timeline. */
  String workerName();

  /** Whether {@link Raylite#cancel} was called for this task; long-running code may check it. */
  boolean isCancelled();

  /**
   * Writes one line to the runtime's log stream, prefixed with the task name and worker, as Ray
   * prefixes worker output: {@code (train_and_score worker=3) n_estimators=8, ...}.
   */
  void log(String format, Object... args);
}
