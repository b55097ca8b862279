package io.raylite.gpu;

import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueueWithProperties;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clSetKernelArg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;
import org.jocl.cl_queue_properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Program binaries kept on disk: each SharedDevices instance stands for one JVM run. A file that
 * is stale, truncated, corrupted or another program's is never given to the driver.
 */
class ProgramDiskCacheTest {
  private static final String SOURCE =
      "kernel void triple(global int* x) { x[get_global_id(0)] *= 3; }";

  @TempDir
  Path directory;

  private static OpenClDevice device() {
    return OpenClDevices.system().gpu(0);
  }

  /** One "JVM run": builds the program through the cache and runs it on {1, 2}. */
  private static int[] run(ProgramDiskCache cache) {
    SharedDevices shared = new SharedDevices(8, SharedDevices::createContextForTests, cache);
    cl_context context = shared.openContext(device());
    try {
      SharedDevices.CachedProgram program = shared.acquireProgram(device(), context, SOURCE, "");
      try {
        return triple(context, program.program);
      } finally {
        program.release();
      }
    } finally {
      shared.closeContext();
      shared.releaseAll();
    }
  }

  private static int[] triple(cl_context context, cl_program program) {
    int[] values = {1, 2};
    cl_command_queue queue = clCreateCommandQueueWithProperties(context, device().clDevice(),
        new cl_queue_properties(), null);
    cl_mem mem = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
        Sizeof.cl_int * 2L, Pointer.to(values), null);
    cl_kernel kernel = clCreateKernel(program, "triple", null);
    try {
      clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(mem));
      clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {2}, null, 0, null, null);
      clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, Sizeof.cl_int * 2L, Pointer.to(values), 0,
          null, null);
      return values;
    } finally {
      clReleaseKernel(kernel);
      clReleaseMemObject(mem);
      clReleaseCommandQueue(queue);
    }
  }

  private ProgramDiskCache cache() {
    return new ProgramDiskCache(directory, SharedDevices::compile);
  }

  @Test
  void programCompiledInOneRun_isLoadedFromTheDirectoryInTheNext() {
    ProgramDiskCache first = cache();
    assertArrayEquals(new int[] {3, 6}, run(first));
    assertEquals(1, first.compiled());
    assertTrue(Files.isRegularFile(first.file(device(), SOURCE, "")));
    ProgramDiskCache second = cache();
    assertArrayEquals(new int[] {3, 6}, run(second));
    assertEquals(1, second.loaded());
    assertEquals(0, second.compiled());
  }

  @Test
  void corruptedFile_isRecompiledFromSourceAndReplaced() throws IOException {
    run(cache());
    Path file = cache().file(device(), SOURCE, "");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(file, bytes);
    ProgramDiskCache next = cache();
    assertArrayEquals(new int[] {3, 6}, run(next));
    assertEquals(0, next.loaded());
    assertEquals(1, next.compiled());
    ProgramDiskCache after = cache();
    run(after);
    assertEquals(1, after.loaded(), "the file was replaced by a good one");
  }

  @Test
  void truncatedFile_isRecompiledFromSource() throws IOException {
    run(cache());
    Path file = cache().file(device(), SOURCE, "");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));
    ProgramDiskCache next = cache();
    assertArrayEquals(new int[] {3, 6}, run(next));
    assertEquals(1, next.compiled());
  }

  @Test
  void anotherProgramsFileUnderThisName_isRecompiledFromSource() throws IOException {
    String other = "kernel void triple(global int* x) { x[get_global_id(0)] *= 5; }";
    ProgramDiskCache first = cache();
    SharedDevices shared = new SharedDevices(8, SharedDevices::createContextForTests, first);
    cl_context context = shared.openContext(device());
    try {
      shared.acquireProgram(device(), context, other, "").release();
    } finally {
      shared.closeContext();
      shared.releaseAll();
    }
    // A well-formed file with a valid checksum, but for other inputs: a stale copy.
    Files.copy(first.file(device(), other, ""), first.file(device(), SOURCE, ""));
    ProgramDiskCache next = cache();
    assertArrayEquals(new int[] {3, 6}, run(next), "not the other program's x5");
    assertEquals(0, next.loaded());
    assertEquals(1, next.compiled());
  }

  @Test
  void check_acceptsOnlyAnIntactFileForItsKey() {
    byte[] key = ProgramDiskCache.key(device(), SOURCE, "");
    byte[] file = ProgramDiskCache.encode(key, new byte[] {1, 2, 3});
    assertNull(ProgramDiskCache.check(file, key));
    byte[] otherKey = ProgramDiskCache.key(device(), SOURCE, "-DX=1");
    assertTrue(ProgramDiskCache.check(file, otherKey).contains("other inputs"));
    byte[] flipped = file.clone();
    flipped[flipped.length - 33] ^= 1;  // the last byte of the binary
    assertTrue(ProgramDiskCache.check(flipped, key).contains("checksum"));
    assertTrue(ProgramDiskCache.check(new byte[10], key).contains("too short"));
  }

  @Test
  void keys_differByOptionsAndSource() {
    byte[] base = ProgramDiskCache.key(device(), SOURCE, "");
    assertTrue(!java.util.Arrays.equals(base, ProgramDiskCache.key(device(), SOURCE, "-DX")));
    assertTrue(!java.util.Arrays.equals(base, ProgramDiskCache.key(device(), SOURCE + " ", "")));
    // Length prefixes: moving text between options and source changes the key.
    assertTrue(!java.util.Arrays.equals(ProgramDiskCache.key(device(), "ab", "c"),
        ProgramDiskCache.key(device(), "b", "ca")));
  }
}
