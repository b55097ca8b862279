package io.raylite.internal.object;

/** How ids are written, in errors, logs, the context of a running task and the timeline. */
public final class Ids {
  private Ids() {}

  public static String task(long id) {
    return String.format("task-%x", id);
  }

  /** An actor call's or constructor run's id, a task id of its own as in Ray. */
  public static String actorCall(long id) {
    return String.format("actor-task-%x", id);
  }

  public static String actor(long id) {
    return String.format("actor-%x", id);
  }

  static String object(long id) {
    return String.format("%016x", id);
  }
}
