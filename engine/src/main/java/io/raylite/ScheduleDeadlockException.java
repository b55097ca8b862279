package io.raylite;

import java.util.List;

/**
 * Under {@link Raylite.Builder#deterministic(long)}, the driver waits for an object that can never
 * be ready: no task or actor call can run, and every one that started waits for something that
 * only another waiter could produce. The message names each waiter and what it waits for.
 *
 * <p>A {@link DeadlockException}, so one catch serves both modes; here {@link #cycle()} is
 * {@link #waiters()}, which need not form a single cycle.
 */
public class ScheduleDeadlockException extends DeadlockException {
  private final List<String> waiters;

  /** Creates the exception with its message and the waiters, each as "what waits for what". */
  public ScheduleDeadlockException(String message, List<String> waiters) {
    super(message, waiters);
    this.waiters = List.copyOf(waiters);
  }

  /** The tasks and actor threads that wait, each as "d&lt;n&gt; waits for ...", in creation order. */
  public List<String> waiters() {
    return waiters;
  }
}
