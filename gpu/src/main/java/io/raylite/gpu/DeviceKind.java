package io.raylite.gpu;

import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;

/** What an OpenCL device is, from its {@code CL_DEVICE_TYPE} bits. */
public enum DeviceKind {
  /** A graphics processor: offered as a GPU. */
  GPU,
  /** A dedicated accelerator (FPGA, DSP, ...): offered as a GPU. */
  ACCELERATOR,
  /** A CPU device such as PoCL's: offered only as the fallback when nothing else exists. */
  CPU,
  /** A custom or unknown device type, which cannot run OpenCL C kernels: never offered. */
  OTHER;

  /**
   * The kind for a {@code CL_DEVICE_TYPE} bit field. A device may set several bits; the most
   * capable one wins, so a device reporting GPU and CPU counts as a GPU.
   */
  public static DeviceKind of(long clDeviceType) {
    if ((clDeviceType & CL_DEVICE_TYPE_GPU) != 0) {
      return GPU;
    }
    if ((clDeviceType & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
      return ACCELERATOR;
    }
    if ((clDeviceType & CL_DEVICE_TYPE_CPU) != 0) {
      return CPU;
    }
    return OTHER;
  }

  /** Whether a device of this kind becomes a GPU without the CPU fallback. */
  public boolean isAccelerator() {
    return this == GPU || this == ACCELERATOR;
  }
}
