package io.raylite;

import java.util.Map;

/**
 * Task counts by name and state, as {@code ray summary tasks}: every task tracked now, live or in
 * the ring of finished ones (see {@link Raylite.Builder#finishedTaskCapacity}).
 *
 * @param byName for each task name, the count of its tasks in each state they are in
 * @param byState the counts over all names
 */
public record TaskSummary(Map<String, Map<TaskState, Integer>> byName, Map<TaskState, Integer> byState) {
  public TaskSummary {
    byName = Map.copyOf(byName);
    byState = Map.copyOf(byState);
  }
}
