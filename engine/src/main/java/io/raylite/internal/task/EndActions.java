package io.raylite.internal.task;

import java.util.List;

/** Runs the cleanups registered with {@link io.raylite.RuntimeContext#onEnd}. */
public final class EndActions {
  private static final System.Logger LOG = System.getLogger("io.raylite");

  private EndActions() {}

  /** Runs {@code actions} last first; a failure is logged and the rest still run. */
  public static void run(List<Runnable> actions, Object owner) {
    for (int i = actions.size() - 1; i >= 0; i--) {
      try {
        actions.get(i).run();
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.WARNING, "a cleanup registered with onEnd by " + owner
            + " threw", e);
      }
    }
  }
}
