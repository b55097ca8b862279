package io.raylite;

/**
 * The names of the built-in resources. Any other name is a custom resource, declared on the
 * runtime with {@link Raylite.Builder#resource(String, double)} and requested with
 * {@link TaskCall#resource(String, double)}.
 *
 * <p>Quantities are fixed-point with a resolution of 1/10,000 ({@link #RESOLUTION}): a request is
 * rounded to it, and no amount of acquiring and releasing makes the totals drift.
 */
public final class Resources {
  /** Processor cores; a task asks for 1 by default, an actor for 0 while alive. */
  public static final String CPU = "CPU";
  /** Accelerator devices, each with its own capacity of 1; fractions pack onto one device. */
  public static final String GPU = "GPU";
  /** Memory in bytes, a logical quantity used only for scheduling, as in Ray. */
  public static final String MEMORY = "memory";
  /** The smallest quantity that can be requested. */
  public static final double RESOLUTION = 1e-4;

  private Resources() {}
}
