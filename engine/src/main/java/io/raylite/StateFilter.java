package io.raylite;

import java.util.Objects;

/**
 * Which rows a {@link StateApi} listing returns: those whose state and name match. The filter is
 * applied before the listing's limit, so a filter for {@code RUNNING} finds every running task
 * however many have finished (unlike Ray, whose cap comes first).
 *
 * @param state the state name to keep (for tasks a {@link TaskState}, for actors an
 *     {@link ActorState}, for objects an {@link ObjectInfo.Location}), or null for any
 * @param name the task name, actor name or class, to keep exactly, or null for any
 */
public record StateFilter(String state, String name) {
  /** Every row. */
  public static final StateFilter ALL = new StateFilter(null, null);

  /** Rows in {@code state}. */
  public static StateFilter state(String state) {
    return new StateFilter(Objects.requireNonNull(state, "state"), null);
  }

  /** Rows named {@code name}. */
  public static StateFilter name(String name) {
    return new StateFilter(null, Objects.requireNonNull(name, "name"));
  }

  /** This filter, also keeping only rows named {@code name}. */
  public StateFilter withName(String name) {
    return new StateFilter(state, Objects.requireNonNull(name, "name"));
  }

  /** This filter, also keeping only rows in {@code state}. */
  public StateFilter withState(String state) {
    return new StateFilter(Objects.requireNonNull(state, "state"), name);
  }
}
