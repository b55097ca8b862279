package io.raylite;

import java.util.List;
import java.util.Map;

/**
 * One task, as {@link StateApi#tasks} reports it: a snapshot, read without stopping the task.
 * Times are milliseconds since the epoch, 0 where the task has not reached that point.
 *
 * @param taskId the task's id, as {@link RuntimeContext#taskId()}
 * @param name the task's name: {@link TaskOptions.Builder#name} or the function's
 * @param state where the task is now
 * @param attempt 0 for the first run, then one more per retry
 * @param resources what the task asks for, by resource name
 * @param worker the worker running or that ran it (as {@link RuntimeContext#workerName()}), or null
 * @param submittedMillis when it was submitted
 * @param startedMillis when its last run started
 * @param endedMillis when it finished, failed or was cancelled
 * @param error for a failed or cancelled task, the exception with its stack trace; else null
 * @param caller {@code driver}, or the id of the task or actor call that submitted it
 * @param waitingFor for a running task blocked in {@code get} or {@code wait}, the ids of the
 *     objects it waits for; else empty
 */
public record TaskInfo(
    String taskId,
    String name,
    TaskState state,
    int attempt,
    Map<String, Double> resources,
    String worker,
    long submittedMillis,
    long startedMillis,
    long endedMillis,
    String error,
    String caller,
    List<String> waitingFor) {

  /** The first line of {@link #error()}: the exception's class and message; null if none. */
  public String errorSummary() {
    if (error == null) {
      return null;
    }
    int eol = error.indexOf('\n');
    return eol < 0 ? error : error.substring(0, eol).strip();
  }
}
