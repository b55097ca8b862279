package io.raylite.gpu;

import io.raylite.spi.GpuProvider;
import java.util.List;
import java.util.Objects;

/**
 * Offers OpenCL devices as the runtime's GPUs. The instance {@link java.util.ServiceLoader} creates
 * uses {@link OpenClDevices#system()} (the system properties of {@link GpuConfig}), so the GPU ids
 * a runtime hands out match {@link GpuContext#open()}. A provider with its own {@link GpuConfig},
 * passed to {@code Raylite.builder().gpuProvider(...)}, discovers afresh; its tasks open contexts
 * with {@code GpuContext.open(provider.devices())}.
 */
public final class OpenClGpuProvider implements GpuProvider {
  private final GpuConfig config;
  private volatile OpenClDevices devices;

  /** The provider {@link java.util.ServiceLoader} finds: system-property configuration. */
  public OpenClGpuProvider() {
    this.config = null;
  }

  /** A provider that discovers devices under {@code config}. */
  public OpenClGpuProvider(GpuConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The devices this provider offers; discovery runs at the first call. */
  public OpenClDevices devices() {
    OpenClDevices d = devices;
    if (d == null) {
      // Racy but benign: two first calls may both discover; either result is equivalent.
      d = config == null ? OpenClDevices.system() : OpenClDevices.discover(config);
      devices = d;
    }
    return d;
  }

  @Override
  public List<GpuDevice> discover() {
    return devices().offered().stream()
        .map(d -> new GpuDevice(d.name(), d.platformName() + ", " + d.kind()
            + (d.supportsDouble() ? ", fp64" : "") + ", " + d.version()))
        .toList();
  }

  @Override
  public String noDeviceHint() {
    return devices().noDeviceHint();
  }

  @Override
  public String toString() {
    return "OpenClGpuProvider[" + (config == null ? "system properties" : config) + "]";
  }
}
