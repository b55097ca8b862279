package io.raylite.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jocl.CLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Misuse through Raylite's own methods fails with an exception that names what was misused, and
 * never reaches the driver in a state that could abort the JVM. A crash here kills the test fork,
 * which fails the build.
 */
class GpuMisuseTest {
  static final String ADD = """
      kernel void add(global const int* a, global const int* b, global int* c, const int n) {
        int i = get_global_id(0);
        if (i < n) c[i] = a[i] + b[i];
      }
      """;

  private static OpenClDevice device() {
    return OpenClDevices.system().gpu(0);
  }

  private static void assertMessageContains(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void run_afterArgumentBuffersWereClosed_throwsNamingTheKernelAndArgument() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuKernel k = gpu.program(ADD, "").kernel("add");
         GpuBuffer<int[]> c = gpu.allocateInts(4)) {
      GpuBuffer<int[]> a = gpu.upload(new int[] {1, 2, 3, 4});
      GpuBuffer<int[]> b = gpu.upload(new int[] {10, 20, 30, 40});
      k.arg(0, a).arg(1, b).arg(2, c).arg(3, 4);
      a.close();
      b.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> k.run(4));
      assertMessageContains(e, "kernel 'add' argument 0", "int x 4", "closed");
    }
  }

  @Test
  void kernelReusedAcrossBatches_withNewBuffersEachTime_computesEveryBatch() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuKernel k = gpu.program(ADD, "").kernel("add")) {
      for (int batch = 0; batch < 3; batch++) {
        try (GpuBuffer<int[]> a = gpu.upload(new int[] {batch, batch});
             GpuBuffer<int[]> b = gpu.upload(new int[] {1, 2});
             GpuBuffer<int[]> c = gpu.allocateInts(2)) {
          k.arg(0, a).arg(1, b).arg(2, c).arg(3, 2).run(2);
          assertArrayEquals(new int[] {batch + 1, batch + 2}, c.read());
        }
      }
    }
  }

  @Test
  void run_withAnUnsetArgument_throwsNamingTheKernelAndArgument() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> a = gpu.allocateInts(2)) {
      GpuKernel k = gpu.program(ADD, "").kernel("add").arg(0, a).arg(1, a).arg(3, 2);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> k.run(2));
      assertMessageContains(e, "kernel 'add' argument 2 is not set", "4 argument(s)");
    }
  }

  @Test
  void arg_outOfRange_throwsWithTheKernelsArgumentCount() {
    try (GpuContext gpu = GpuContext.open(device())) {
      GpuKernel k = gpu.program(ADD, "").kernel("add");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.arg(4, 1));
      assertMessageContains(e, "kernel 'add' has 4 argument(s)", "got index 4");
      assertThrows(IllegalArgumentException.class, () -> k.arg(-1, 1));
    }
  }

  @Test
  void arg_ofTheWrongSize_throwsNamingTheArgument() {
    try (GpuContext gpu = GpuContext.open(device())) {
      GpuKernel k = gpu.program(ADD, "").kernel("add");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> k.arg(3, 4L));
      assertMessageContains(e, "kernel 'add' argument 3", "a long (8 bytes)");
      assertTrue(e.getCause() instanceof CLException);
    }
  }

  @Test
  void allocate_largerThanTheDeviceAllows_namesTheSizeAndTheLimit() {
    try (GpuContext gpu = GpuContext.open(device())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> gpu.allocateDoubles(Integer.MAX_VALUE));
      assertMessageContains(e, Integer.MAX_VALUE + " doubles", (8L * Integer.MAX_VALUE) + " bytes",
          "CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + device().maxAllocationBytes());
    }
  }

  @Test
  void closedBuffer_namesItsElementTypeAndLength() {
    try (GpuContext gpu = GpuContext.open(device())) {
      GpuBuffer<float[]> b = gpu.allocateFloats(7);
      b.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, b::read);
      assertMessageContains(e, "GpuBuffer[float x 7, 28 bytes, closed] is closed");
    }
  }

  @Test
  void everyMethod_afterItsContextClosed_throwsIllegalState() {
    GpuContext gpu = GpuContext.open(device());
    GpuProgram program = gpu.program(ADD, "");
    GpuKernel k = program.kernel("add");
    GpuBuffer<int[]> b = gpu.upload(new int[] {1, 2});
    GpuEvent event = b.writeAsync(new int[] {3, 4});
    gpu.close();
    Executable[] calls = {
        () -> gpu.allocateInts(1), () -> gpu.upload(new byte[1]), () -> gpu.program(ADD, ""),
        gpu::finish, gpu::clQueue, gpu::clContext,
        () -> program.kernel("add"), program::clProgram,
        () -> k.arg(0, b), () -> k.arg(3, 1), () -> k.run(1), () -> k.enqueue(GpuRange.of(1)),
        k::maxWorkGroupSize,
        b::read, () -> b.write(new int[2]), () -> b.readAsync(new int[2]), b::clMem,
        event::await, event::isDone,
    };
    for (Executable call : calls) {
      assertThrows(IllegalStateException.class, call);
    }
  }

  @Test
  void arg_withABufferOfAnotherDevicesContext_isAnIllegalArgument() {
    // A second SharedDevices gives the same physical device a cl_context of its own, as a second
    // device would have.
    SharedDevices elsewhere = new SharedDevices(4);
    try (GpuContext gpu = GpuContext.open(device());
         GpuContext other = GpuContext.open(device(), elsewhere)) {
      GpuBuffer<int[]> foreign = other.upload(new int[] {1, 2});
      GpuKernel k = gpu.program(ADD, "").kernel("add");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> k.arg(0, foreign));
      assertMessageContains(e, "kernel 'add' argument 0", "belongs to an OpenCL context");
    } finally {
      elsewhere.releaseAll();
    }
  }

  @Test
  void enqueue_afterAnEventOfAnotherDevicesContext_isAnIllegalArgument() {
    SharedDevices elsewhere = new SharedDevices(4);
    try (GpuContext gpu = GpuContext.open(device());
         GpuContext other = GpuContext.open(device(), elsewhere)) {
      GpuEvent foreign = other.upload(new int[] {1}).writeAsync(new int[] {2});
      GpuBuffer<int[]> c = gpu.allocateInts(1);
      GpuKernel k = gpu.program(ADD, "").kernel("add").arg(0, c).arg(1, c).arg(2, c).arg(3, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> k.enqueue(GpuRange.of(1), foreign));
      assertMessageContains(e, "after[0]", "belongs to an OpenCL context");
    } finally {
      elsewhere.releaseAll();
    }
  }

  @Test
  void enqueue_afterAClosedEvent_isAnIllegalState() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> c = gpu.allocateInts(1)) {
      GpuEvent done = c.writeAsync(new int[] {1});
      done.close();
      GpuKernel k = gpu.program(ADD, "").kernel("add").arg(0, c).arg(1, c).arg(2, c).arg(3, 1);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> k.enqueue(GpuRange.of(1), done));
      assertMessageContains(e, "after[0]", "is closed");
    }
  }

  @Test
  void arg_withABufferOfAnotherContextOnTheSameDevice_works() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuContext other = GpuContext.open(device());
         GpuBuffer<int[]> a = other.upload(new int[] {1, 2});
         GpuBuffer<int[]> c = gpu.allocateInts(2)) {
      gpu.program(ADD, "").kernel("add").arg(0, a).arg(1, a).arg(2, c).arg(3, 2).run(2);
      assertArrayEquals(new int[] {2, 4}, c.read());
    }
  }
}
