package io.raylite;

import java.util.List;

/**
 * A {@code get} was part of a wait-for cycle that can never resolve, so it fails instead of hanging:
 * for example two actors with {@code maxConcurrency(1)} whose calls wait for each other, or a task
 * holding the only GPU that waits for a task that needs it. Every blocked {@code get} in the cycle
 * fails with this exception; {@link #cycle()} names the tasks and actor calls in it, in wait-for
 * order (each waits for the next, and the last for the first).
 */
public class DeadlockException extends RayliteException {
  private final List<String> cycle;

  /** Creates the exception naming the {@code cycle}. */
  public DeadlockException(List<String> cycle) {
    super("deadlock: " + String.join(" waits for ", cycle) + ", which waits for " + cycle.getFirst()
        + "; none of them can ever continue, so every get in the cycle fails");
    this.cycle = List.copyOf(cycle);
  }

  /** For a subclass that words its own message; {@code cycle} as {@link #cycle()} returns it. */
  protected DeadlockException(String message, List<String> cycle) {
    super(message);
    this.cycle = List.copyOf(cycle);
  }

  /**
   * The tasks and actor calls in the cycle, each waiting for the next, the last for the first; for
   * a cycle found by a blocked get, it starts from the task created first (else the actor call
   * created first), so a cycle is named the same way whichever of its gets found it.
   */
  public List<String> cycle() {
    return cycle;
  }
}
