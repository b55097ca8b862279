package io.raylite.bench;

import java.util.Locale;

/** How the experiment runs its models. */
public enum Mode {
  /** One model after another, each grown on exactly one thread: the baseline. */
  SEQUENTIAL,
  /** One engine task of 1 CPU per model, each forest grown on a thread of its own, as Ray does. */
  PARALLEL,
  /**
   * One engine task per model, each offering its forest's trees one at a time to the engine's
   * work-stealing pool, so that idle cores take trees from the forests still growing.
   */
  NESTED,
  /**
   * One {@code ModelTrainer} actor per CPU of a local runtime, or per node of a cluster, holding the
   * data; the forests are fed to them largest first, each grown on the trainer's own thread.
   */
  ACTORS;

  /** The name used on the command line, in output and in file names. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code label}, ignoring case. */
  public static Mode fromLabel(String label) {
    for (Mode mode : values()) {
      if (mode.label().equalsIgnoreCase(label)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + label + "'");
  }
}
