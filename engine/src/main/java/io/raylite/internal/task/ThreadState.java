package io.raylite.internal.task;

/**
 * The per-thread state a task or actor call can change and that would otherwise carry over to
 * whatever runs next on the same worker: the context class loader (which the spill codec resolves
 * classes with), the name, the priority, the uncaught-exception handler and the interrupt status.
 * Captured before user code runs and restored after it, on the thread that ran it.
 */
public record ThreadState(ClassLoader contextLoader, String name, int priority, Thread.UncaughtExceptionHandler handler) {

  public static ThreadState capture(Thread thread) {
    return new ThreadState(thread.getContextClassLoader(), thread.getName(), thread.getPriority(),
        handlerOf(thread));
  }

  /** The thread's own uncaught-exception handler, or null when it defers to its group. */
  public static Thread.UncaughtExceptionHandler handlerOf(Thread thread) {
    Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler();
    return handler == thread.getThreadGroup() ? null : handler;
  }

  /** Puts back what user code changed on {@code thread}. */
  public void restore(Thread thread) {
    restore(thread, contextLoader, name, priority, handler);
  }

  /**
   * As {@link #restore(Thread)}, from values captured one by one: for a path that must not allocate
   * (a task run inline in a nested get).
   */
  public static void restore(Thread thread, ClassLoader contextLoader, String name, int priority,
      Thread.UncaughtExceptionHandler handler) {
    if (thread.getContextClassLoader() != contextLoader) {
      thread.setContextClassLoader(contextLoader);
    }
    if (!thread.getName().equals(name)) {
      thread.setName(name);
    }
    if (thread.getPriority() != priority && !thread.isVirtual()) {
      thread.setPriority(priority);
    }
    Thread.UncaughtExceptionHandler current = thread.getUncaughtExceptionHandler();
    if ((current == thread.getThreadGroup() ? null : current) != handler) {
      thread.setUncaughtExceptionHandler(handler);
    }
  }
}
