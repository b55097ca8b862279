package io.raylite.internal.resource;

/**
 * Resource quantities as fixed-point longs with 1/10,000 resolution, so that a million acquire and
 * release pairs of 0.1 leave the totals exactly where they started.
 */
final class FixedPoint {
  /** Units per whole resource. */
  static final long ONE = 10_000;

  private FixedPoint() {}

  static long toUnits(double amount) {
    return Math.round(amount * ONE);
  }

  static double toDouble(long units) {
    return units / (double) ONE;
  }

  static String format(long units) {
    return Double.toString(toDouble(units));
  }
}
