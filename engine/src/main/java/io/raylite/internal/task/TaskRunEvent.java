package io.raylite.internal.task;

import io.raylite.internal.object.Ids;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A JDK Flight Recorder event for one finished task: committed once per task, by the thread that
 * ends it (the worker that ran it, or the one that cancelled or failed it before it ran), so it is
 * an instant in the recording and its two times are fields.
 *
 * <p>Cost while no recording enables it: until a recording has started in the JVM,
 * {@link #commit(TaskRun)} reads one static flag and allocates nothing. After that it allocates the
 * event and asks {@code isEnabled()} before reading anything from the task; the JIT usually removes
 * that allocation, as the event does not escape on the path where it is disabled (see
 * docs/perf-notes.md for the measurement).
 */
@Name("io.raylite.Task")
@Label("Raylite Task")
@Category("Raylite")
@Description("A task that ended: finished, failed or cancelled")
@StackTrace(false)
public final class TaskRunEvent extends jdk.jfr.Event {
  @Label("Runtime")
  String runtime;

  @Label("Name")
  String name;

  @Label("Task Id")
  String taskId;

  @Label("Worker")
  @Description("The label of the worker that ran the last attempt: a pool worker's index, v<thread id> "
      + "for a virtual thread, or the name of a thread that ran it inline; empty if it never ran")
  String worker;

  @Label("Resources")
  @Description("The resources the task asked for")
  String resources;

  @Label("Attempt")
  @Description("0 for the first run, one more for each retry")
  int attempt;

  @Label("Outcome")
  @Description("FINISHED, FAILED or CANCELLED")
  String outcome;

  @Label("Wait Time")
  @Description("From submission to the start of the last attempt (to the end, if it never ran): "
      + "waiting for ObjectRef arguments and resources")
  @Timespan(Timespan.NANOSECONDS)
  long waitTime;

  @Label("Run Time")
  @Description("The last attempt's run; 0 if it never ran")
  @Timespan(Timespan.NANOSECONDS)
  long runTime;

  /** Records {@code task}, which has just ended, if a recording enables this event. */
  static void commit(TaskRun task) {
    if (!jdk.jfr.FlightRecorder.isInitialized()) {
      return;  // no recording has started in this JVM: nothing is enabled, and nothing is allocated
    }
    TaskRunEvent event = new TaskRunEvent();
    if (!event.isEnabled()) {
      return;
    }
    boolean ran = task.startedNanos != 0;
    event.runtime = task.runtime.name;
    event.name = task.name;
    event.taskId = Ids.task(task.id);
    event.worker = ran && task.workerLabel != null ? task.workerLabel : "";
    event.resources = task.resources().toString();
    event.attempt = task.attempt;
    event.outcome = outcomeName(task.outcome);
    event.waitTime = (ran ? task.startedNanos : task.finishedNanos) - task.submittedNanos;
    event.runTime = ran ? task.finishedNanos - task.startedNanos : 0;
    event.commit();
  }

  /** The name of a {@link TaskRun} outcome, as the events show it. */
  public static String outcomeName(int outcome) {
    return switch (outcome) {
      case TaskRun.FINISHED -> "FINISHED";
      case TaskRun.FAILED -> "FAILED";
      case TaskRun.CANCELLED -> "CANCELLED";
      default -> throw new IllegalArgumentException("outcome " + outcome + ": expected 0, 1 or 2");
    };
  }
}
