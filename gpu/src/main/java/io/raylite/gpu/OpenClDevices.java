package io.raylite.gpu;

import static org.jocl.CL.CL_DEVICE_DOUBLE_FP_CONFIG;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The result of looking for OpenCL devices: every device found, the ones offered as GPUs (ids
 * 0..n-1, in platform then device order), and, when none is offered, why not. Immutable.
 *
 * <p>Discovery asks each platform for {@code CL_DEVICE_TYPE_ALL} and classifies the answers
 * itself, since asking for an absent type is an error ({@code CL_DEVICE_NOT_FOUND}) rather than
 * an empty list. GPUs and accelerators are offered; without them, and with
 * {@link GpuConfig#cpuFallback()}, the first CPU device is. A missing ICD loader, a JOCL native
 * library that does not load, or no platform at all is not an error here: the result is empty
 * and {@link #noDeviceHint()} says how to install a driver.
 */
public final class OpenClDevices {
  private static final System.Logger LOG = System.getLogger("io.raylite.gpu");

  static final String INSTALL_HINT = "Install an OpenCL driver: on Debian/Ubuntu"
      + " 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd' gives a CPU device (PoCL); for a"
      + " GPU, install its vendor's OpenCL driver (NVIDIA, AMD ROCm, Intel compute runtime).";

  private final List<OpenClDevice> found;
  private final List<OpenClDevice> offered;
  private final String problem;

  private OpenClDevices(List<OpenClDevice> found, List<OpenClDevice> offered, String problem) {
    this.found = List.copyOf(found);
    this.offered = List.copyOf(offered);
    this.problem = problem;
  }

  private static volatile OpenClDevices system;

  /**
   * Discovery under {@link GpuConfig#fromSystemProperties()}, done once, at the first call, and
   * kept for the life of the JVM: the runtime's GPU ids and {@link GpuContext#open()} must agree
   * on which device each id is.
   */
  public static OpenClDevices system() {
    OpenClDevices devices = system;
    if (devices == null) {
      synchronized (OpenClDevices.class) {
        devices = system;
        if (devices == null) {
          devices = discover(GpuConfig.fromSystemProperties());
          system = devices;
        }
      }
    }
    return devices;
  }

  /** Looks for devices now; logs what it offers, and the CPU fallback when it applies. */
  public static OpenClDevices discover(GpuConfig config) {
    return discover(config, OpenClDevices::enumerate);
  }

  /** As {@link #discover(GpuConfig)} with the OpenCL queries replaceable, to test the failures. */
  static OpenClDevices discover(GpuConfig config,
      Function<GpuConfig, List<OpenClDevice>> enumerator) {
    Objects.requireNonNull(config, "config");
    List<OpenClDevice> found;
    try {
      found = enumerator.apply(config);
    } catch (LinkageError e) {
      // The JOCL native library or the ICD loader (libOpenCL.so.1) is missing or broken.
      String why = "OpenCL is not available (" + e + "). " + INSTALL_HINT;
      LOG.log(Level.INFO, why);
      return new OpenClDevices(List.of(), List.of(), why);
    } catch (CLException e) {
      // ocl-icd reports "no platform" as CL_PLATFORM_NOT_FOUND_KHR rather than as 0 platforms.
      String why = "No OpenCL platform found (" + e.getMessage() + "). " + INSTALL_HINT;
      LOG.log(Level.INFO, why);
      return new OpenClDevices(List.of(), List.of(), why);
    }
    OpenClDevices result = select(found, config);
    if (result.offered.isEmpty()) {
      LOG.log(Level.INFO, result.problem);
    } else {
      for (OpenClDevice d : result.offered) {
        if (d.kind() == DeviceKind.CPU) {
          LOG.log(Level.INFO, "No OpenCL GPU or accelerator found: offering the CPU device "
              + d.describe() + " instead. Set -D" + GpuConfig.CPU_FALLBACK + "=false to offer none.");
        } else {
          LOG.log(Level.DEBUG, "Offering OpenCL device " + d.describe());
        }
      }
    }
    return result;
  }

  /**
   * Which of the {@code found} devices to offer under {@code config}. Separate from the OpenCL
   * calls so the rules can be checked on made-up device lists.
   */
  static OpenClDevices select(List<OpenClDevice> found, GpuConfig config) {
    List<OpenClDevice> candidates = new ArrayList<>();
    for (OpenClDevice d : found) {
      if (d.kind().isAccelerator()) {
        candidates.add(d);
      }
    }
    if (candidates.isEmpty() && config.cpuFallback()) {
      for (OpenClDevice d : found) {
        if (d.kind() == DeviceKind.CPU) {
          // One CPU device only: several CPU platforms would be the same cores counted twice.
          candidates.add(d);
          break;
        }
      }
    }
    List<OpenClDevice> offered = new ArrayList<>();
    for (int i = 0; i < Math.min(candidates.size(), config.maxDevices()); i++) {
      offered.add(candidates.get(i).withGpuId(i));
    }
    return new OpenClDevices(found, offered, offered.isEmpty() ? whyNone(found, config) : null);
  }

  private static String whyNone(List<OpenClDevice> found, GpuConfig config) {
    if (found.isEmpty()) {
      return (config.platform() == null ? "OpenCL found no device. "
          : "OpenCL found no device on a platform whose name contains '" + config.platform()
              + "' (" + GpuConfig.PLATFORM + "). ") + INSTALL_HINT;
    }
    List<String> names = found.stream().map(OpenClDevice::describe).toList();
    if (config.maxDevices() == 0) {
      return "OpenCL found " + names + " but " + GpuConfig.MAX_DEVICES + " is 0.";
    }
    return "OpenCL found no GPU or accelerator, only " + names + ", and the CPU fallback is off ("
        + GpuConfig.CPU_FALLBACK + "=false). Turn it on, or install a GPU's OpenCL driver.";
  }

  /** Every device found on the accepted platforms, offered or not, in discovery order. */
  public List<OpenClDevice> found() {
    return found;
  }

  /** The devices offered as GPUs; the one at index i has {@code gpuId() == i}. */
  public List<OpenClDevice> offered() {
    return offered;
  }

  /**
   * The device offered as GPU {@code gpuId}.
   *
   * @throws IllegalArgumentException if no device is offered under that id
   */
  public OpenClDevice gpu(int gpuId) {
    if (gpuId < 0 || gpuId >= offered.size()) {
      throw new IllegalArgumentException("gpuId must be between 0 and " + (offered.size() - 1)
          + ": OpenCL offers " + offered.size() + " device(s), got GPU " + gpuId
          + (offered.isEmpty() ? ". " + problem : ""));
    }
    return offered.get(gpuId);
  }

  /** Why no device is offered, with how to get one; null when devices are offered. */
  public String problem() {
    return problem;
  }

  /** A sentence for an infeasible GPU request: {@link #problem()}, or the install hint. */
  public String noDeviceHint() {
    return problem != null ? problem : INSTALL_HINT;
  }

  @Override
  public String toString() {
    return "OpenClDevices[offered=" + offered.stream().map(OpenClDevice::describe).toList()
        + ", found=" + found.size() + (problem == null ? "" : ", problem=" + problem) + "]";
  }

  /* ---------------- OpenCL queries ---------------- */

  private static List<OpenClDevice> enumerate(GpuConfig config) {
    CL.setExceptionsEnabled(true);
    int[] count = new int[1];
    clGetPlatformIDs(0, null, count);
    cl_platform_id[] platforms = new cl_platform_id[count[0]];
    clGetPlatformIDs(platforms.length, platforms, null);
    List<OpenClDevice> found = new ArrayList<>();
    for (int p = 0; p < platforms.length; p++) {
      String platformName = platformString(platforms[p], CL_PLATFORM_NAME);
      if (!config.acceptsPlatform(platformName)) {
        continue;
      }
      cl_device_id[] devices;
      try {
        clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, count);
        devices = new cl_device_id[count[0]];
        clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, devices.length, devices, null);
      } catch (CLException e) {
        // A platform without devices answers CL_DEVICE_NOT_FOUND; the others may still have some.
        LOG.log(Level.DEBUG, "OpenCL platform " + platformName + " has no device: " + e.getMessage());
        continue;
      }
      for (int d = 0; d < devices.length; d++) {
        found.add(describe(p, d, platforms[p], platformName, devices[d]));
      }
    }
    return found;
  }

  private static OpenClDevice describe(int platformIndex, int deviceIndex, cl_platform_id platform,
      String platformName, cl_device_id device) {
    long[] type = new long[1];
    clGetDeviceInfo(device, CL_DEVICE_TYPE, Sizeof.cl_ulong, Pointer.to(type), null);
    long[] memory = new long[1];
    clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong, Pointer.to(memory), null);
    long[] workGroup = new long[1];
    clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(workGroup),
        null);
    long[] maxAllocation = new long[1];
    clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, Sizeof.cl_ulong,
        Pointer.to(maxAllocation), null);
    return new OpenClDevice(-1, platformIndex, deviceIndex, platformName,
        deviceString(device, CL_DEVICE_NAME), deviceString(device, CL_DEVICE_VENDOR),
        deviceString(device, CL_DEVICE_VERSION), DeviceKind.of(type[0]), supportsDouble(device),
        memory[0], workGroup[0], maxAllocation[0], platform, device);
  }

  private static boolean supportsDouble(cl_device_id device) {
    long[] config = new long[1];
    try {
      clGetDeviceInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG, Sizeof.cl_ulong, Pointer.to(config),
          null);
    } catch (CLException e) {
      // OpenCL 1.0 devices do not know the query; they have no core double support either.
      return false;
    }
    return config[0] != 0;
  }

  private static String platformString(cl_platform_id platform, int param) {
    long[] size = new long[1];
    clGetPlatformInfo(platform, param, 0, null, size);
    byte[] bytes = new byte[(int) size[0]];
    clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null);
    return cString(bytes);
  }

  private static String deviceString(cl_device_id device, int param) {
    long[] size = new long[1];
    clGetDeviceInfo(device, param, 0, null, size);
    byte[] bytes = new byte[(int) size[0]];
    clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null);
    return cString(bytes);
  }

  static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
  }
}
