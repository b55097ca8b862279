package io.raylite.internal.task;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code LocalRuntime.close} leaves behind when tasks or actor calls ignore their interrupt
 * past the shutdown timeout: each thread still alive, what it runs and where it is, written as one
 * warning. Filled by the closing thread only.
 */
public final class ShutdownReport {
  private static final System.Logger LOG = System.getLogger("io.raylite");
  /** How many frames of each thread's stack the warning shows. */
  private static final int FRAMES = 6;

  private final String runtimeName;
  private final Duration timeout;
  /** What each thread was running when close began, as far as close could tell. */
  private final Map<Thread, String> running = new java.util.HashMap<>();
  private final Map<Thread, String> left = new LinkedHashMap<>();

  public ShutdownReport(String runtimeName, Duration timeout) {
    this.runtimeName = runtimeName;
    this.timeout = timeout;
  }

  /** Notes that {@code thread} runs {@code what}, in case it is left behind. */
  public void running(Thread thread, String what) {
    if (thread != null) {
      running.put(thread, what);
    }
  }

  /** Records a thread still alive at the deadline, naming what it runs if known. */
  public void leftBehind(Thread thread) {
    left.putIfAbsent(thread, running.getOrDefault(thread, "no task or actor call known"));
  }

  /** Records a task thread still alive at the deadline. */
  public void leftBehind(Thread thread, TaskRun task) {
    left.putIfAbsent(thread, task != null ? "task '" + task.name + "' (" + task.idString() + ")"
        : running.getOrDefault(thread, "no task known"));
  }

  /** Logs the warning, if any thread was left behind. */
  public void logIfAny() {
    if (left.isEmpty()) {
      return;
    }
    StringBuilder m = new StringBuilder().append("runtime '").append(runtimeName).append("' closed with ")
        .append(left.size()).append(left.size() == 1 ? " thread" : " threads")
        .append(" still running after the shutdown timeout of ").append(timeout.toMillis())
        .append(" ms; they ignored their interrupt and are left to end on their own (daemon threads,"
            + " which do not keep the JVM alive):");
    for (Map.Entry<Thread, String> e : left.entrySet()) {
      Thread t = e.getKey();
      m.append("\n  ").append(e.getValue()).append(" on thread ").append(t.getName().isEmpty() ? "#" + t.threadId()
          : t.getName()).append(" (").append(t.getState()).append(')');
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < Math.min(FRAMES, stack.length); i++) {
        m.append("\n      at ").append(stack[i]);
      }
      if (stack.length > FRAMES) {
        m.append("\n      ... ").append(stack.length - FRAMES).append(" more");
      }
    }
    LOG.log(System.Logger.Level.WARNING, m.toString());
  }
}
