package io.raylite.gpu;

import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * Which OpenCL devices become the runtime's GPUs. Immutable; build one with {@link #builder()}, or
 * read the system properties with {@link #fromSystemProperties()}, which is what the provider found
 * by {@link java.util.ServiceLoader} does:
 *
 * <table>
 *   <caption>System properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #CPU_FALLBACK}</td><td>{@code true}</td>
 *       <td>with no GPU or accelerator, offer the first CPU device (PoCL) as GPU 0</td></tr>
 *   <tr><td>{@value #MAX_DEVICES}</td><td>unlimited</td>
 *       <td>offer at most this many devices (0 offers none)</td></tr>
 *   <tr><td>{@value #PLATFORM}</td><td>any</td>
 *       <td>only platforms whose name contains this text, ignoring case</td></tr>
 *   <tr><td>{@value #PROGRAM_CACHE}</td><td>none</td>
 *       <td>a directory keeping compiled programs across JVM runs (not part of this object: it
 *       applies to the whole JVM)</td></tr>
 * </table>
 */
public final class GpuConfig {
  /** System property: {@code true} or {@code false}. */
  public static final String CPU_FALLBACK = "raylite.gpu.cpuFallback";
  /** System property: a whole number {@code >= 0}. */
  public static final String MAX_DEVICES = "raylite.gpu.maxDevices";
  /** System property: text to look for in the platform name. */
  public static final String PLATFORM = "raylite.gpu.platform";
  /**
   * System property: a directory where compiled program binaries are kept across JVM runs, keyed
   * by device, driver version, build options and source, with checksums; unset keeps none. Read
   * once, when the JVM first opens a GpuContext; it applies to every device of the JVM.
   */
  public static final String PROGRAM_CACHE = "raylite.gpu.programCache";

  private static final GpuConfig DEFAULTS = builder().build();

  private final boolean cpuFallback;
  private final int maxDevices;
  private final String platform;

  private GpuConfig(Builder b) {
    this.cpuFallback = b.cpuFallback;
    this.maxDevices = b.maxDevices;
    this.platform = b.platform;
  }

  /** CPU fallback on, no cap, every platform. */
  public static GpuConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration the system properties describe, defaults for those not set.
   *
   * @throws IllegalArgumentException naming the property whose value is malformed
   */
  public static GpuConfig fromSystemProperties() {
    return fromProperties(System.getProperties());
  }

  /** As {@link #fromSystemProperties()}, reading {@code properties}. */
  public static GpuConfig fromProperties(Properties properties) {
    Builder b = builder();
    String fallback = properties.getProperty(CPU_FALLBACK);
    if (fallback != null) {
      switch (fallback.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> b.cpuFallback(true);
        case "false" -> b.cpuFallback(false);
        default -> throw new IllegalArgumentException(
            CPU_FALLBACK + " must be true or false, got '" + fallback + "'");
      }
    }
    String max = properties.getProperty(MAX_DEVICES);
    if (max != null) {
      try {
        b.maxDevices(Integer.parseInt(max.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            MAX_DEVICES + " must be a whole number >= 0, got '" + max + "'", e);
      }
    }
    String platform = properties.getProperty(PLATFORM);
    if (platform != null && !platform.isBlank()) {
      b.platform(platform.trim());
    }
    return b.build();
  }

  /** Whether the first CPU device is offered when there is no GPU or accelerator. */
  public boolean cpuFallback() {
    return cpuFallback;
  }

  /** The most devices offered; {@link Integer#MAX_VALUE} when there is no cap. */
  public int maxDevices() {
    return maxDevices;
  }

  /** Text a platform name must contain (ignoring case), or null for every platform. */
  public String platform() {
    return platform;
  }

  /** Whether a platform with this name is considered. */
  boolean acceptsPlatform(String platformName) {
    return platform == null
        || platformName.toLowerCase(Locale.ROOT).contains(platform.toLowerCase(Locale.ROOT));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GpuConfig c && cpuFallback == c.cpuFallback && maxDevices == c.maxDevices
        && Objects.equals(platform, c.platform);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cpuFallback, maxDevices, platform);
  }

  @Override
  public String toString() {
    return "GpuConfig[cpuFallback=" + cpuFallback
        + (maxDevices == Integer.MAX_VALUE ? "" : ", maxDevices=" + maxDevices)
        + (platform == null ? "" : ", platform=" + platform) + "]";
  }

  /** Builds a {@link GpuConfig}; setters check their arguments at once. */
  public static final class Builder {
    private boolean cpuFallback = true;
    private int maxDevices = Integer.MAX_VALUE;
    private String platform;

    private Builder() {}

    /** Offer the first CPU device as GPU 0 when no GPU or accelerator exists (default true). */
    public Builder cpuFallback(boolean offerCpu) {
      this.cpuFallback = offerCpu;
      return this;
    }

    /** Offer at most {@code count} devices, {@code >= 0}; 0 turns the GPUs off. */
    public Builder maxDevices(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("maxDevices must be >= 0, got " + count);
      }
      this.maxDevices = count;
      return this;
    }

    /** Only platforms whose name contains {@code nameContains}, ignoring case. */
    public Builder platform(String nameContains) {
      if (nameContains == null || nameContains.isBlank()) {
        throw new IllegalArgumentException(
            "platform must be non-blank text, got '" + nameContains + "'");
      }
      this.platform = nameContains;
      return this;
    }

    /** The configuration as set so far. */
    public GpuConfig build() {
      return new GpuConfig(this);
    }
  }
}
