package io.raylite.internal.resource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable resource shape: units of each of the runtime's resources, indexed as in its
 * {@link ResourceLedger}. Tasks of equal shape share one wait queue in the {@link Scheduler}, which
 * keys its queues by the shape's canonical instance (see {@link Scheduler#shapeOf}).
 */
public final class ResourceShape {
  final long[] units;
  private final int hash;
  private final boolean cpuOnly;
  /**
   * The canonical instance's lock-free wait queue, if the shape is CPU-only; set once by
   * {@link Scheduler#shapeOf} under its lock, before any task of the shape is submitted.
   */
  volatile CpuFifo<?> fifo;

  ResourceShape(long[] units) {
    this.units = units;
    this.hash = Arrays.hashCode(units);
    boolean onlyCpu = true;
    for (int i = 1; i < units.length; i++) {
      onlyCpu &= units[i] == 0;
    }
    this.cpuOnly = onlyCpu;
  }

  public long cpu() {
    return units[ResourceLedger.CPU];
  }

  long gpu() {
    return units[ResourceLedger.GPU];
  }

  /** Whether only CPU (or nothing at all) is requested. */
  public boolean isCpuOnly() {
    return cpuOnly;
  }

  /** Whether every component is at most the corresponding one of {@code other}. */
  public boolean fitsWithin(ResourceShape other) {
    for (int i = 0; i < units.length; i++) {
      if (units[i] > other.units[i]) {
        return false;
      }
    }
    return true;
  }

  public Map<String, Double> toMap(String[] names) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < units.length; i++) {
      if (units[i] != 0 || i == ResourceLedger.CPU) {
        map.put(names[i], FixedPoint.toDouble(units[i]));
      }
    }
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceShape r && Arrays.equals(units, r.units);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return Arrays.toString(units);
  }
}
