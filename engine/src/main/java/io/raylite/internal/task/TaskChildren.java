package io.raylite.internal.task;

import java.util.ArrayList;

/*
 * Implementation overview
 *
 * The tasks one running task submitted, for Ray's recursive cancel (ray.cancel's default,
 * recursive=True): cancelling a task cancels the tasks it submitted that have not finished, with
 * the same force, and each of those cancels its own in turn.
 *
 * Only the parent's own thread adds (submission records the task running on the submitting
 * thread; a thread the task starts itself has no task), while any thread may cancel. Both hold
 * this object's monitor, so a child added after the parent was cancelled is cancelled at once
 * instead of being missed. Finished children are pruned whenever the list has doubled since the
 * last pruning, so a long-running task that submits many short ones keeps only those unfinished.
 * The list lives as long as the parent's TaskRun, which nothing keeps once the parent has ended.
 */
final class TaskChildren {
  private final ArrayList<TaskRun> runs = new ArrayList<>();
  /** The size at which finished children are pruned next. */
  private int pruneAt = 16;
  /** Set by the parent's cancel: children added later are cancelled at once. */
  private boolean cancelled;
  private boolean force;
  private String parent;

  /** Records {@code child}; cancels it at once if the parent was cancelled already. */
  void add(TaskRun child) {
    boolean cancelNow;
    synchronized (this) {
      cancelNow = cancelled;
      if (!cancelNow) {
        if (runs.size() >= pruneAt) {
          runs.removeIf(run -> run.stateNow() == TaskRun.DONE);
          pruneAt = Math.max(16, runs.size() * 2);
        }
        runs.add(child);
      }
    }
    if (cancelNow) {
      cancel(child);
    }
  }

  /** Cancels every child not finished, as its parent (named {@code parentName}) was. */
  void cancelAll(boolean forced, String parentName) {
    TaskRun[] children;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      force = forced;
      parent = parentName;
      children = runs.toArray(new TaskRun[0]);
      runs.clear();
    }
    for (TaskRun child : children) {
      cancel(child);
    }
  }

  private void cancel(TaskRun child) {
    child.cancel(force, "task '" + child.name + "' (" + child.idString() + ") was cancelled with its parent "
        + parent + (force ? " (forced)" : ""));
  }
}
