package io.raylite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.InfeasibleResourceException;
import io.raylite.Raylite;
import io.raylite.Resources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A JVM whose OpenCL ICD loader finds no driver: the surefire execution {@code no-opencl-driver}
 * runs this class alone with {@code OCL_ICD_VENDORS} pointing at an empty directory, so
 * {@code clGetPlatformIDs} really reports no platform. The default execution excludes the tag.
 */
@Tag("no-opencl-driver")
class NoOpenClDriverTest {

  static int twice(int x) {
    return 2 * x;
  }

  @Test
  void noPlatform_meansNoGpu_anInfeasibleGpuRequest_andWorkingCpuTasks() {
    assertNotNull(System.getenv("OCL_ICD_VENDORS"),
        "run through the no-opencl-driver surefire execution, which hides the drivers");
    OpenClDevices devices = OpenClDevices.system();
    assertTrue(devices.found().isEmpty(), devices.toString());
    assertTrue(devices.noDeviceHint().contains("pocl-opencl-icd"), devices.noDeviceHint());

    // The provider comes from the class path, as for any application.
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      assertEquals(0.0, ray.totalResources().getOrDefault(Resources.GPU, 0.0));
      InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
          () -> ray.task(NoOpenClDriverTest::twice, 1).numGpus(0.5).remote());
      assertTrue(e.getMessage().contains("pocl-opencl-icd"), e.getMessage());
      assertEquals(42, ray.get(ray.task(NoOpenClDriverTest::twice, 21).remote()));
    }
    assertThrows(IllegalArgumentException.class, () -> devices.gpu(0));
  }
}
