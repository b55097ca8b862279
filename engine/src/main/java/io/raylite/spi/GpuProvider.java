package io.raylite.spi;

import java.util.List;

/**
 * Supplies the GPU devices a runtime offers when the application does not declare a GPU count.
 * Found with {@link java.util.ServiceLoader}; the {@code raylite-gpu} module provides one backed by
 * OpenCL. The first provider on the class path that finds any device wins.
 */
public interface GpuProvider {

  /** The devices found, in the order that becomes GPU ids 0..n-1; empty when there are none. */
  List<GpuDevice> discover();

  /**
   * A sentence for the error a GPU request gets when no device exists, saying how to get one
   * (for example which driver package to install).
   */
  String noDeviceHint();

  /**
   * One device offered as a GPU.
   *
   * @param name the device name as its driver reports it
   * @param description where it comes from, for logs (platform, kind)
   */
  record GpuDevice(String name, String description) {}
}
