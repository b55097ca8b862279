package io.raylite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_CUSTOM;
import static org.jocl.CL.CL_DEVICE_TYPE_DEFAULT;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;

import java.util.List;
import java.util.Properties;
import org.jocl.CLException;
import org.junit.jupiter.api.Test;

class OpenClDevicesTest {

  private static OpenClDevice device(int platform, int index, String name, DeviceKind kind) {
    return new OpenClDevice(-1, platform, index, "platform " + platform, name, "vendor",
        "OpenCL 3.0", kind, true, 1L << 30, 256, 1L << 28, null, null);
  }

  private static final OpenClDevice CPU_A = device(0, 0, "cpu-a", DeviceKind.CPU);
  private static final OpenClDevice GPU_A = device(0, 1, "gpu-a", DeviceKind.GPU);
  private static final OpenClDevice CPU_B = device(1, 0, "cpu-b", DeviceKind.CPU);
  private static final OpenClDevice ACCEL = device(1, 1, "fpga", DeviceKind.ACCELERATOR);
  private static final OpenClDevice GPU_B = device(2, 0, "gpu-b", DeviceKind.GPU);
  private static final OpenClDevice CUSTOM = device(2, 1, "custom", DeviceKind.OTHER);

  @Test
  void kind_classifiesTypeBitsMostCapableFirst() {
    assertEquals(DeviceKind.GPU, DeviceKind.of(CL_DEVICE_TYPE_GPU));
    assertEquals(DeviceKind.GPU, DeviceKind.of(CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_DEFAULT));
    assertEquals(DeviceKind.GPU, DeviceKind.of(CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_CPU));
    assertEquals(DeviceKind.ACCELERATOR, DeviceKind.of(CL_DEVICE_TYPE_ACCELERATOR));
    assertEquals(DeviceKind.CPU, DeviceKind.of(CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_DEFAULT));
    assertEquals(DeviceKind.OTHER, DeviceKind.of(CL_DEVICE_TYPE_CUSTOM));
  }

  @Test
  void select_offersGpusAndAcceleratorsInDiscoveryOrder_notCpus() {
    OpenClDevices d = OpenClDevices.select(List.of(CPU_A, GPU_A, CPU_B, ACCEL, GPU_B, CUSTOM),
        GpuConfig.defaults());
    assertEquals(List.of("gpu-a", "fpga", "gpu-b"), d.offered().stream().map(OpenClDevice::name).toList());
    assertEquals(List.of(0, 1, 2), d.offered().stream().map(OpenClDevice::gpuId).toList());
    assertEquals(6, d.found().size());
    assertNull(d.problem());
  }

  @Test
  void select_withoutGpus_offersTheFirstCpuAsGpu0() {
    OpenClDevices d = OpenClDevices.select(List.of(CUSTOM, CPU_A, CPU_B), GpuConfig.defaults());
    assertEquals(1, d.offered().size());
    assertEquals("cpu-a", d.gpu(0).name());
    assertEquals(0, d.gpu(0).gpuId());
  }

  @Test
  void select_withCpuFallbackOff_offersNothingAndSaysWhy() {
    OpenClDevices d = OpenClDevices.select(List.of(CPU_A),
        GpuConfig.builder().cpuFallback(false).build());
    assertTrue(d.offered().isEmpty());
    assertTrue(d.noDeviceHint().contains(GpuConfig.CPU_FALLBACK + "=false"), d.noDeviceHint());
    assertTrue(d.noDeviceHint().contains("cpu-a"), d.noDeviceHint());
  }

  @Test
  void select_capsTheCount() {
    GpuConfig two = GpuConfig.builder().maxDevices(2).build();
    assertEquals(2, OpenClDevices.select(List.of(GPU_A, ACCEL, GPU_B), two).offered().size());
    OpenClDevices none = OpenClDevices.select(List.of(GPU_A),
        GpuConfig.builder().maxDevices(0).build());
    assertTrue(none.offered().isEmpty());
    assertTrue(none.noDeviceHint().contains(GpuConfig.MAX_DEVICES), none.noDeviceHint());
  }

  @Test
  void select_nothingFound_hintsHowToInstallADriver() {
    OpenClDevices d = OpenClDevices.select(List.of(), GpuConfig.defaults());
    assertTrue(d.offered().isEmpty());
    assertTrue(d.noDeviceHint().contains("pocl-opencl-icd"), d.noDeviceHint());
  }

  @Test
  void gpu_rejectsIdsNotOffered() {
    OpenClDevices d = OpenClDevices.select(List.of(GPU_A), GpuConfig.defaults());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.gpu(1));
    assertTrue(e.getMessage().contains("GPU 1"), e.getMessage());
  }

  @Test
  void discover_onThisMachine_offersEveryGpuOrElseOneCpu() {
    OpenClDevices d = OpenClDevices.discover(GpuConfig.defaults());
    assertFalse(d.found().isEmpty(), "the tests need an OpenCL device (PoCL at least): " + d);
    List<OpenClDevice> accelerators =
        d.found().stream().filter(x -> x.kind().isAccelerator()).toList();
    if (accelerators.isEmpty()) {
      assertEquals(1, d.offered().size());
      assertEquals(DeviceKind.CPU, d.gpu(0).kind());
    } else {
      assertEquals(accelerators.size(), d.offered().size());
    }
    OpenClDevice first = d.gpu(0);
    assertFalse(first.name().isEmpty());
    assertTrue(first.version().startsWith("OpenCL "), first.version());
    assertTrue(first.maxWorkGroupSize() >= 1);
  }

  @Test
  void discover_withAPlatformFilterMatchingNothing_isEmptyWithTheInstallHint() {
    OpenClDevices d = OpenClDevices.discover(GpuConfig.builder().platform("no such platform").build());
    assertTrue(d.found().isEmpty());
    assertTrue(d.noDeviceHint().contains("no such platform"), d.noDeviceHint());
    assertTrue(d.noDeviceHint().contains("pocl-opencl-icd"), d.noDeviceHint());
  }

  @Test
  void discover_whenTheNativeLibraryDoesNotLoad_isEmptyWithTheInstallHint() {
    OpenClDevices d = OpenClDevices.discover(GpuConfig.defaults(), config -> {
      throw new UnsatisfiedLinkError("libOpenCL.so.1: cannot open shared object file");
    });
    assertTrue(d.found().isEmpty());
    assertTrue(d.noDeviceHint().contains("libOpenCL.so.1"), d.noDeviceHint());
    assertTrue(d.noDeviceHint().contains("pocl-opencl-icd"), d.noDeviceHint());
  }

  @Test
  void discover_whenTheLoaderReportsNoPlatform_isEmptyWithTheInstallHint() {
    OpenClDevices d = OpenClDevices.discover(GpuConfig.defaults(), config -> {
      throw new CLException("CL_PLATFORM_NOT_FOUND_KHR", -1001);
    });
    assertTrue(d.found().isEmpty());
    assertTrue(d.noDeviceHint().contains("No OpenCL platform"), d.noDeviceHint());
    assertTrue(d.noDeviceHint().contains("pocl-opencl-icd"), d.noDeviceHint());
  }

  @Test
  void config_readsAndChecksSystemProperties() {
    Properties p = new Properties();
    p.setProperty(GpuConfig.CPU_FALLBACK, "FALSE");
    p.setProperty(GpuConfig.MAX_DEVICES, " 3 ");
    p.setProperty(GpuConfig.PLATFORM, "nvidia");
    GpuConfig c = GpuConfig.fromProperties(p);
    assertEquals(GpuConfig.builder().cpuFallback(false).maxDevices(3).platform("nvidia").build(), c);
    assertTrue(c.acceptsPlatform("NVIDIA CUDA"));
    assertFalse(c.acceptsPlatform("Portable Computing Language"));

    p.setProperty(GpuConfig.MAX_DEVICES, "-1");
    assertThrows(IllegalArgumentException.class, () -> GpuConfig.fromProperties(p));
    p.setProperty(GpuConfig.MAX_DEVICES, "two");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GpuConfig.fromProperties(p));
    assertTrue(e.getMessage().contains(GpuConfig.MAX_DEVICES), e.getMessage());
    p.remove(GpuConfig.MAX_DEVICES);
    p.setProperty(GpuConfig.CPU_FALLBACK, "yes");
    e = assertThrows(IllegalArgumentException.class, () -> GpuConfig.fromProperties(p));
    assertTrue(e.getMessage().contains(GpuConfig.CPU_FALLBACK), e.getMessage());
  }
}
