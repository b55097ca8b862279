package io.raylite.internal.object;

import io.raylite.RayliteException;

/**
 * How to make an object's value again when its spill file turns out corrupt or missing, as Ray
 * rebuilds a lost object from its lineage: a task result keeps its task's ({@code task.TaskLineage})
 * while the task may still be retried; a put object has none, and its loss is final. The object
 * room calls upward through it, so it does not know tasks.
 */
public interface Lineage {
  /**
   * Produces the value of {@code entry} again, on behalf of its reader, and waits for it.
   *
   * @return the rebuilt value's entry, ready (it carries the lineage that is left)
   * @throws RayliteException if the rebuild fails
   */
  ObjectEntry rerun(ObjectEntry entry);
}
