package io.raylite.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Ranges, partial and queued copies, small element types and struct arguments, on PoCL. */
class GpuApiTest {
  static final String SOURCE = """
      kernel void grid2(global int* out, const int width) {
        int x = get_global_id(0), y = get_global_id(1);
        out[y * width + x] = x * 1000 + y + 1000000 * (int) get_local_size(0);
      }
      kernel void grid3(global int* out, const int w, const int h) {
        int x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
        out[(z * h + y) * w + x] = x * 10000 + y * 100 + z;
      }
      kernel void twice_b(global char* x) { int i = get_global_id(0); x[i] = (char) (x[i] * 2); }
      kernel void twice_s(global short* x) { int i = get_global_id(0); x[i] = (short) (x[i] * 2); }
      kernel void plus_one(global int* x) { x[get_global_id(0)] += 1; }
      typedef struct { int a; float b; double c; } params;
      kernel void apply(global double* x, const params p) {
        int i = get_global_id(0);
        x[i] = x[i] * p.c + p.a + p.b;
      }
      """;

  private static OpenClDevice device() {
    return OpenClDevices.system().gpu(0);
  }

  @Test
  void twoDimensionalRange_withLocalSizes_visitsEveryIndexInGroupsOfThatSize() {
    int w = 8;
    int h = 6;
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> out = gpu.allocateInts(w * h)) {
      gpu.program(SOURCE, "").kernel("grid2").arg(0, out).arg(1, w)
          .run(GpuRange.of(w, h).local(4, 3));
      int[] got = out.read();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          assertEquals(4_000_000 + x * 1000 + y, got[y * w + x], "x=" + x + " y=" + y);
        }
      }
    }
  }

  @Test
  void threeDimensionalRange_visitsEveryIndex() {
    int w = 5;
    int h = 4;
    int d = 3;
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> out = gpu.allocateInts(w * h * d)) {
      gpu.program(SOURCE, "").kernel("grid3").arg(0, out).arg(1, w).arg(2, h)
          .run(GpuRange.of(w, h, d));
      int[] got = out.read();
      for (int z = 0; z < d; z++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            assertEquals(x * 10000 + y * 100 + z, got[(z * h + y) * w + x]);
          }
        }
      }
    }
  }

  @Test
  void range_rejectsBadSizesNamingTheDimension() {
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> GpuRange.of(4, 0));
    assertTrue(zero.getMessage().contains("dimension 1"), zero.getMessage());
    IllegalArgumentException notDividing =
        assertThrows(IllegalArgumentException.class, () -> GpuRange.of(8, 6).local(4, 4));
    assertTrue(notDividing.getMessage().contains("dimension 1"), notDividing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GpuRange.of(8, 6).local(4));
  }

  @Test
  void workGroupLargerThanTheKernelAllows_isAnIllegalArgumentNamingTheLimit() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> out = gpu.allocateInts(1)) {
      GpuKernel k = gpu.program(SOURCE, "").kernel("plus_one").arg(0, out);
      long max = k.maxWorkGroupSize();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> k.run(GpuRange.of(2 * max).local(2 * max)));
      assertTrue(e.getMessage().contains("at most " + max), e.getMessage());
    }
  }

  @Test
  void partialWriteAndRead_touchOnlyTheGivenRange() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> b = gpu.upload(new int[] {0, 0, 0, 0, 0, 0})) {
      b.write(2, new int[] {9, 7, 5, 3}, 1, 3);
      assertArrayEquals(new int[] {0, 0, 7, 5, 3, 0}, b.read());
      int[] into = {-1, -1, -1, -1};
      b.read(3, into, 1, 2);
      assertArrayEquals(new int[] {-1, 5, 3, -1}, into);
    }
  }

  @Test
  void partialTransfers_outsideTheBufferOrArray_throwOutOfBounds() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<double[]> b = gpu.allocateDoubles(4)) {
      assertThrows(IndexOutOfBoundsException.class, () -> b.write(3, new double[4], 0, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> b.read(0, new double[2], 1, 2));
      assertThrows(IllegalArgumentException.class, () -> b.read(0, new double[2], 0, 0));
    }
  }

  @Test
  void byteAndShortBuffers_roundTripThroughKernels() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<byte[]> bytes = gpu.upload(new byte[] {1, -3, 60, 100});
         GpuBuffer<short[]> shorts = gpu.upload(new short[] {1, -300, 16000})) {
      GpuProgram p = gpu.program(SOURCE, "");
      p.kernel("twice_b").arg(0, bytes).run(4);
      p.kernel("twice_s").arg(0, shorts).run(3);
      assertArrayEquals(new byte[] {2, -6, 120, (byte) 200}, bytes.read());
      assertArrayEquals(new short[] {2, -600, 32000}, shorts.read());
      assertEquals("byte", bytes.elementType());
      assertEquals(6, shorts.bytes());
    }
  }

  @Test
  void structArgument_fromAByteBufferView_reachesTheKernelByValue() {
    ByteBuffer params = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    params.putInt(3).putFloat(0.5f).putDouble(2.0).flip();
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<double[]> x = gpu.upload(new double[] {1, 10})) {
      gpu.program(SOURCE, "").kernel("apply").arg(0, x).arg(1, params).run(2);
      assertArrayEquals(new double[] {5.5, 23.5}, x.read());
      assertEquals(0, params.position(), "the view's position is left as it was");
    }
  }

  @Test
  void queuedCopyKernelCopy_deliversTheResultOnceAwaited() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> b = gpu.allocateInts(4)) {
      int[] source = {1, 2, 3, 4};
      GpuEvent write = b.writeAsync(source);
      source[0] = 100;  // the copy was staged when writeAsync returned
      GpuEvent run = gpu.program(SOURCE, "").kernel("plus_one").arg(0, b)
          .enqueue(GpuRange.of(4));
      int[] out = new int[4];
      GpuEvent read = b.readAsync(out);
      read.await();
      assertArrayEquals(new int[] {2, 3, 4, 5}, out);
      assertTrue(write.isDone());
      assertTrue(run.await().deviceNanos() >= 0);
      write.close();
      run.close();
      read.close();
      assertEquals(0, GpuStats.live().events());
    }
  }

  @Test
  void partialQueuedCopies_touchOnlyTheGivenRange() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<long[]> b = gpu.upload(new long[] {0, 0, 0, 0})) {
      b.writeAsync(1, new long[] {8, 9}, 0, 2);
      long[] out = {-1, -1, -1};
      b.readAsync(0, out, 1, 2).await();
      assertArrayEquals(new long[] {-1, 0, 8}, out);
    }
  }

  @Test
  void deviceNanos_beforeAwait_isAnIllegalState() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<int[]> b = gpu.allocateInts(1)) {
      GpuEvent run = gpu.program(SOURCE, "").kernel("plus_one").arg(0, b)
          .enqueue(GpuRange.of(1));
      IllegalStateException e = assertThrows(IllegalStateException.class, run::deviceNanos);
      assertTrue(e.getMessage().contains("plus_one"), e.getMessage());
    }
  }

  @Test
  void contextClose_releasesEventsNeverAwaitedOrClosed() {
    long events = GpuStats.live().events();
    GpuContext gpu = GpuContext.open(device());
    GpuBuffer<int[]> b = gpu.allocateInts(64);
    b.writeAsync(new int[64]);
    b.readAsync(new int[64]);
    assertEquals(events + 2, GpuStats.live().events());
    gpu.close();
    assertEquals(events, GpuStats.live().events());
  }
}
