package io.raylite.gpu;

import java.util.Objects;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as discovery found it. Immutable. {@link #gpuId()} is the runtime GPU id it
 * is offered as, or -1 when it is not offered.
 *
 * <p>Two instances describe the same physical device when their {@link #platformIndex()} and
 * {@link #deviceIndex()} agree; shared OpenCL objects (the context, compiled programs) are kept per
 * physical device, whatever configuration offered it.
 */
public final class OpenClDevice {
  private final int gpuId;
  private final int platformIndex;
  private final int deviceIndex;
  private final String platformName;
  private final String name;
  private final String vendor;
  private final String version;
  private final DeviceKind kind;
  private final boolean fp64;
  private final long globalMemoryBytes;
  private final long maxWorkGroupSize;
  private final long maxAllocationBytes;
  private final cl_platform_id platform;
  private final cl_device_id device;

  OpenClDevice(int gpuId, int platformIndex, int deviceIndex, String platformName, String name,
      String vendor, String version, DeviceKind kind, boolean fp64, long globalMemoryBytes,
      long maxWorkGroupSize, long maxAllocationBytes, cl_platform_id platform,
      cl_device_id device) {
    this.gpuId = gpuId;
    this.platformIndex = platformIndex;
    this.deviceIndex = deviceIndex;
    this.platformName = Objects.requireNonNull(platformName, "platformName");
    this.name = Objects.requireNonNull(name, "name");
    this.vendor = Objects.requireNonNull(vendor, "vendor");
    this.version = Objects.requireNonNull(version, "version");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.fp64 = fp64;
    this.globalMemoryBytes = globalMemoryBytes;
    this.maxWorkGroupSize = maxWorkGroupSize;
    this.maxAllocationBytes = maxAllocationBytes;
    this.platform = platform;
    this.device = device;
  }

  /** This device offered as GPU {@code id}. */
  OpenClDevice withGpuId(int id) {
    return new OpenClDevice(id, platformIndex, deviceIndex, platformName, name, vendor, version,
        kind, fp64, globalMemoryBytes, maxWorkGroupSize, maxAllocationBytes, platform, device);
  }

  /** The GPU id this device is offered as, or -1. */
  public int gpuId() {
    return gpuId;
  }

  /** The platform's position in {@code clGetPlatformIDs}. */
  public int platformIndex() {
    return platformIndex;
  }

  /** The device's position among its platform's devices of {@code CL_DEVICE_TYPE_ALL}. */
  public int deviceIndex() {
    return deviceIndex;
  }

  /** The OpenCL platform's name ({@code CL_PLATFORM_NAME}). */
  public String platformName() {
    return platformName;
  }

  /** {@code CL_DEVICE_NAME}. */
  public String name() {
    return name;
  }

  /** The device's vendor ({@code CL_DEVICE_VENDOR}). */
  public String vendor() {
    return vendor;
  }

  /** {@code CL_DEVICE_VERSION}, for example {@code OpenCL 3.0 PoCL ...}. */
  public String version() {
    return version;
  }

  /** Whether the device is a GPU, an accelerator or a CPU. */
  public DeviceKind kind() {
    return kind;
  }

  /** Whether the device computes in double precision ({@code cl_khr_fp64} or OpenCL 1.2 core). */
  public boolean supportsDouble() {
    return fp64;
  }

  /** The device's global memory ({@code CL_DEVICE_GLOBAL_MEM_SIZE}), in bytes. */
  public long globalMemoryBytes() {
    return globalMemoryBytes;
  }

  /** The largest work-group the device runs ({@code CL_DEVICE_MAX_WORK_GROUP_SIZE}). */
  public long maxWorkGroupSize() {
    return maxWorkGroupSize;
  }

  /** {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}: the largest single buffer the device allocates. */
  public long maxAllocationBytes() {
    return maxAllocationBytes;
  }

  /** The OpenCL platform handle; shared, never release it. */
  public cl_platform_id clPlatform() {
    return platform;
  }

  /** The OpenCL device handle; shared, never release it. */
  public cl_device_id clDevice() {
    return device;
  }

  /** The OpenCL major.minor version from {@link #version()}, as {@code 10 * major + minor}. */
  int versionNumber() {
    // "OpenCL <major>.<minor> <vendor text>"
    String[] parts = version.split("[ .]");
    try {
      return 10 * Integer.parseInt(parts[1]) + Integer.parseInt(parts[2]);
    } catch (RuntimeException e) {
      // A driver that does not follow the format: treat as 1.2, which every call here supports.
      return 12;
    }
  }

  /** A line for logs: {@code GPU 0: NVIDIA H100 (NVIDIA CUDA, GPU, fp64)}. */
  public String describe() {
    return (gpuId >= 0 ? "GPU " + gpuId + ": " : "") + name + " (" + platformName + ", " + kind
        + (fp64 ? ", fp64" : "") + ")";
  }

  @Override
  public String toString() {
    return "OpenClDevice[" + describe() + "]";
  }
}
