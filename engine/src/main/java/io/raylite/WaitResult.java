package io.raylite;

import java.util.List;

/**
 * What {@link Raylite#wait} found: the refs that were ready and those that were not, each list in
 * the order the refs were given.
 *
 * @param ready the ready refs, at most the number asked for
 * @param unready every other ref
 * @param <T> the type of the referenced objects
 */
public record WaitResult<T>(List<ObjectRef<T>> ready, List<ObjectRef<T>> unready) {
  /** Copies both lists, which are immutable from then on. */
  public WaitResult {
    ready = List.copyOf(ready);
    unready = List.copyOf(unready);
  }
}
