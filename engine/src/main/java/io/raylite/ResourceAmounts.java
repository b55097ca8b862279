package io.raylite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Resource amounts by name, and their validation: the one home of the {@code numCpus},
 * {@code numGpus}, {@code memory} and {@code resource} setters that {@link TaskOptions.Builder} and
 * {@link ActorOptions.Builder} offer (and, through them, {@link TaskCall} and {@link ActorCreation}),
 * and of the amount check of {@link Raylite.Builder}'s capacities. CPU is always present, at the
 * default it was made with until set.
 *
 * <p>Not thread-safe: owned by one builder.
 */
final class ResourceAmounts {
  private final Map<String, Double> amounts = new LinkedHashMap<>();

  /** Amounts holding only {@code cpus} CPUs. */
  ResourceAmounts(double cpus) {
    amounts.put(Resources.CPU, cpus);
  }

  void numCpus(double cpus) {
    set(Resources.CPU, cpus);
  }

  void numGpus(double gpus) {
    set(Resources.GPU, gpus);
  }

  void memory(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("memory must be >= 0 bytes, got " + bytes);
    }
    set(Resources.MEMORY, bytes);
  }

  /** Sets an amount after {@link #check}ing it; 0 removes any resource but CPU. */
  void set(String resourceName, double amount) {
    Objects.requireNonNull(resourceName, "resourceName");
    check(resourceName, amount);
    if (amount == 0 && !Resources.CPU.equals(resourceName)) {
      amounts.remove(resourceName);
    } else {
      amounts.put(resourceName, amount);
    }
  }

  /** Takes every amount of {@code other}, already checked: an options object's, for its toBuilder. */
  void putAll(Map<String, Double> other) {
    amounts.putAll(other);
  }

  /** An immutable copy, for an options object. */
  Map<String, Double> toMap() {
    return Map.copyOf(amounts);
  }

  /**
   * Checks one amount: finite, at least 0, not below the resolution unless 0, at most 1e14, and a
   * whole number of GPUs above 1.
   *
   * @throws IllegalArgumentException naming the resource and the allowed values
   */
  static void check(String resourceName, double amount) {
    if (resourceName.isBlank()) {
      throw new IllegalArgumentException("resource name must not be blank");
    }
    if (!Double.isFinite(amount) || amount < 0) {
      throw new IllegalArgumentException("resource '" + resourceName
          + "' amount must be a finite number >= 0, got " + amount);
    }
    if (amount > 0 && amount < Resources.RESOLUTION / 2) {
      throw new IllegalArgumentException("resource '" + resourceName + "' amount " + amount
          + " is below the resolution of " + Resources.RESOLUTION);
    }
    if (amount > 1e14) {
      throw new IllegalArgumentException("resource '" + resourceName + "' amount " + amount
          + " is above the maximum of 1e14");
    }
    if (Resources.GPU.equals(resourceName) && amount > 1 && amount != Math.rint(amount)) {
      throw new IllegalArgumentException(
          "GPU amount above 1 must be a whole number of devices, got " + amount);
    }
  }
}
