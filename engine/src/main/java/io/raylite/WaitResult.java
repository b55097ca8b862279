package io.raylite;

import io.raylite.internal.object.RefList;
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
    ready = ready instanceof RefList<ObjectRef<T>> built ? built : List.copyOf(ready);  // wait's own: immutable
    unready = unready instanceof RefList<ObjectRef<T>> built ? built : List.copyOf(unready);
  }
}
