package io.raylite.internal.object;

import io.raylite.internal.resource.Allocation;

/**
 * What will produce an object: a task or an actor call, as its {@link ObjectEntry} sees it until the
 * object is ready. A reader that blocks on the object may run the producer inline, and
 * {@code Raylite.cancel} cancels it, without knowing which kind it is.
 *
 * <p>Not sealed, though its two implementations are known: a sealed interface names them in its
 * {@code permits} clause, which would make the object room import the task and actor rooms above it.
 */
public interface Producer {
  /**
   * Cancels the producer; see {@code Raylite.cancel}.
   *
   * @return whether this call cancelled it
   * @throws IllegalArgumentException if {@code force} is asked of a producer that cannot be forced
   */
  /** Whether this is an actor call, whose result {@code cancel(ref, true)} refuses even once it is done. */
  default boolean isActorCall() {
    return false;
  }

  boolean cancel(boolean force);

  /**
   * Runs the producer on the calling thread, with the resources {@code held} by the waiting task,
   * if it is still queued and fits in them.
   *
   * @return whether it ran
   */
  boolean tryRunInline(Allocation held);
}
