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
 * instead of being missed. The first two children sit in fields (a recursive task usually has
 * one or two, and then no list is made); a slot whose child has finished is reused. Further
 * children go to a list whose finished ones are pruned whenever it has doubled since the last
 * pruning, so a long-running task that submits many short ones keeps only those unfinished. All
 * of it lives as long as the parent's TaskRun, which nothing keeps once the parent has ended.
 */
final class TaskChildren {
  private TaskRun first;
  private TaskRun second;
  /** Children beyond the two slots; null until there are some. */
  private ArrayList<TaskRun> runs;
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
        if (first == null || first.stateNow() == TaskRun.DONE) {
          first = child;
        } else if (second == null || second.stateNow() == TaskRun.DONE) {
          second = child;
        } else {
          if (runs == null) {
            runs = new ArrayList<>();
          } else if (runs.size() >= pruneAt) {
            runs.removeIf(run -> run.stateNow() == TaskRun.DONE);
            pruneAt = Math.max(16, runs.size() * 2);
          }
          runs.add(child);
        }
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
      int more = runs == null ? 0 : runs.size();
      children = new TaskRun[2 + more];
      children[0] = first;
      children[1] = second;
      for (int i = 0; i < more; i++) {
        children[2 + i] = runs.get(i);
      }
      first = second = null;
      runs = null;
    }
    for (TaskRun child : children) {
      if (child != null) {
        cancel(child);
      }
    }
  }

  private void cancel(TaskRun child) {
    child.cancel(force, "task '" + child.name + "' (" + child.idString() + ") was cancelled with its parent "
        + parent + (force ? " (forced)" : ""));
  }
}
