package io.raylite.internal.task;

import io.raylite.TaskState;
import io.raylite.internal.resource.ResourceShape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/*
 * Implementation overview
 *
 * The state API's record of tasks (see io.raylite.StateApi): the live ones, and a ring of the most
 * recent finished ones. Built to cost nothing per task that the runtime does not already pay.
 *
 * Live tasks: an intrusive doubly linked list through TaskRun.liveNext/livePrev, split into
 * STRIPES lists chosen by task id, each guarded by its Stripe's monitor. track() links a task when it
 * is submitted, before anything can end it; finished() unlinks it when it ends (returned, failed,
 * failed from a dependency, or cancelled). A retry keeps the task linked. Linking and unlinking cost
 * a monitor enter and a few stores each, and no allocation; the submitting thread and the thread that
 * ends the task meet on one stripe only when their ids collide on it.
 *
 * Finished tasks: a ring of TimelineSink.TaskEvent, the very event object the timeline records, so a
 * finished task costs no allocation beyond the timeline's (one event when the timeline is off).
 * Like the timeline's, the ring must not hold the TaskRun: its result entry keeps a small value
 * alive for as long as anything reaches the entry.
 *
 * Snapshots: liveTasks() walks each stripe under its monitor, copying references, then reads each
 * task's fields into a LiveTask row outside the monitor, racing with the task's own threads. That
 * race is benign: `state` is volatile, and a timestamp or worker label read from just before or after a transition
 * only makes the row describe a moment earlier or later. A task that ends during a snapshot may be
 * seen both live and finished (finished() fills its ring slot before unlinking it); the state API
 * (RuntimeState, above) keeps one row per id, the finished one.
 *
 * Threads: any thread may call every method. The fields of the live list (head, liveNext,
 * livePrev) are touched only under the stripe's monitor.
 */
public final class TaskTable {
  /** Stripes of the live list; a power of two. */
  private static final int STRIPES = 16;
  /** The most characters of an error's stack trace kept per finished task. */
  private static final int MAX_ERROR_CHARS = 8_192;

  /** One stripe of the live list: its monitor guards its head and its tasks' links. */
  private static final class Stripe {
    TaskRun head;
    int size;
  }

  private final Stripe[] stripes;
  private final AtomicReferenceArray<TimelineSink.TaskEvent> finished;
  private final AtomicLong next = new AtomicLong();
  /** Maps System.nanoTime() to wall-clock time: rows show epoch milliseconds. */
  private final long originNanos = System.nanoTime();
  private final long originMillis = System.currentTimeMillis();

  /**
   * A live task as the state API shows it, read from its TaskRun without its monitor (see the
   * overview). {@code waitingFor} is the ObjectEntry or ObjectEntry[] a blocked task waits for, or
   * null; {@code callerSeq} is 0 for the driver, a task's id, or minus an actor call's id.
   */
  public record LiveTask(long id, String name, TaskState state, int attempt, ResourceShape request,
      String workerLabel, long submittedNanos, long startedNanos, long callerSeq, Object waitingFor) {}

  /** @param capacity how many finished tasks to keep; 0 turns task tracking off */
  TaskTable(int capacity) {
    if (capacity == 0) {
      stripes = null;
      finished = null;
    } else {
      stripes = new Stripe[STRIPES];
      for (int i = 0; i < STRIPES; i++) {
        stripes[i] = new Stripe();
      }
      finished = new AtomicReferenceArray<>(capacity);
    }
  }

  /** Whether tasks are tracked; with the timeline's enabled(), decides whether an event is built. */
  public boolean enabled() {
    return finished != null;
  }

  /**
   * Links a new task into the live list and notes who submitted it ({@code callerSeq}: 0 the
   * driver, a task's id, or minus an actor call's id). Called once, before the task can end.
   */
  public void track(TaskRun task, long callerSeq) {
    if (finished == null) {
      return;
    }
    task.callerSeq = callerSeq;
    Stripe s = stripes[(int) task.id & (STRIPES - 1)];
    synchronized (s) {
      TaskRun head = s.head;
      task.liveNext = head;
      if (head != null) {
        head.livePrev = task;
      }
      s.head = task;
      s.size++;
    }
  }

  /** Puts an ended task's event in the ring and unlinks the task. Called once per task, when it ends. */
  void finished(TaskRun task, TimelineSink.TaskEvent event) {
    if (finished == null) {
      return;
    }
    finished.lazySet((int) (next.getAndIncrement() % finished.length()), event);
    Stripe s = stripes[(int) task.id & (STRIPES - 1)];
    synchronized (s) {
      TaskRun prev = task.livePrev;
      TaskRun after = task.liveNext;
      if (prev != null) {
        prev.liveNext = after;
      } else if (s.head == task) {
        s.head = after;
      } else {
        return;  // not linked: submitted before tracking could see it (never, but harmless)
      }
      if (after != null) {
        after.livePrev = prev;
      }
      task.liveNext = null;
      task.livePrev = null;
      s.size--;
    }
  }

  /** The live tasks now, in no particular order. */
  public List<LiveTask> liveTasks() {
    ArrayList<TaskRun> tasks = new ArrayList<>();
    if (stripes != null) {
      for (Stripe s : stripes) {
        synchronized (s) {
          tasks.ensureCapacity(tasks.size() + s.size);
          for (TaskRun t = s.head; t != null; t = t.liveNext) {
            tasks.add(t);
          }
        }
      }
    }
    List<LiveTask> rows = new ArrayList<>(tasks.size());
    for (TaskRun t : tasks) {
      rows.add(new LiveTask(t.id, t.name, liveState(t), t.attempt, t.request, t.workerLabel,
          t.submittedNanos, t.startedNanos, t.callerSeq, t.waitingFor));
    }
    return rows;
  }

  /** The live task with this id, or null (also when tracking is off). */
  public TaskRun live(String taskId) {
    if (stripes != null) {
      for (Stripe s : stripes) {
        synchronized (s) {
          for (TaskRun t = s.head; t != null; t = t.liveNext) {
            if (t.idString().equals(taskId)) {
              return t;
            }
          }
        }
      }
    }
    return null;
  }

  private static TaskState liveState(TaskRun t) {
    return switch (t.stateNow()) {
      case TaskRun.PENDING -> TaskState.PENDING_ARGS_AVAIL;
      case TaskRun.QUEUED -> TaskState.PENDING_NODE_ASSIGNMENT;
      case TaskRun.DISPATCHED -> TaskState.SUBMITTED_TO_WORKER;
      case TaskRun.RUNNING -> TaskState.RUNNING;
      default -> outcome(t.outcome);  // ending now: its event is on its way to the ring
    };
  }

  /** The state of a task or actor call that ended with {@code outcome} (TaskRun.FINISHED, ...). */
  public static TaskState outcome(int outcome) {
    return switch (outcome) {
      case TaskRun.FINISHED -> TaskState.FINISHED;
      case TaskRun.FAILED -> TaskState.FAILED;
      default -> TaskState.CANCELLED;
    };
  }

  /** The finished tasks in the ring, in no particular order. */
  public List<TimelineSink.TaskEvent> finishedTasks() {
    List<TimelineSink.TaskEvent> events = new ArrayList<>();
    if (finished != null) {
      for (int i = 0; i < finished.length(); i++) {
        TimelineSink.TaskEvent e = finished.get(i);
        if (e != null) {
          events.add(e);
        }
      }
    }
    return events;
  }

  /** A System.nanoTime() reading as epoch milliseconds; 0 stays 0 (not reached). */
  public long millis(long nanos) {
    return nanos == 0 ? 0 : originMillis + Math.floorDiv(nanos - originNanos, 1_000_000L);
  }

  /**
   * What a finished task's row shows as its error: a throwable's stack trace (bounded), a message
   * as it is, or null.
   */
  static String errorText(Object error) {
    return switch (error) {
      case null -> null;
      case Throwable t -> {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        yield text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "\n\t...";
      }
      default -> error.toString();
    };
  }
}
