package io.raylite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_context;
import org.junit.jupiter.api.Test;

/**
 * SharedDevices with its OpenCL creations replaced: a slow compile or context creation holds
 * only its own key or device, and every release path completes whatever throws.
 */
class SharedDevicesTest {
  private static final String SOURCE = "kernel void k(global int* x) { x[0] = 1; }";

  private static OpenClDevice real() {
    return OpenClDevices.system().gpu(0);
  }

  /** The real device's handles under another device index: a second physical device to us. */
  private static OpenClDevice twin(int deviceIndex) {
    OpenClDevice d = real();
    return new OpenClDevice(-1, d.platformIndex(), deviceIndex, d.platformName(), d.name(),
        d.vendor(), d.version(), d.kind(), d.supportsDouble(), d.globalMemoryBytes(),
        d.maxWorkGroupSize(), d.maxAllocationBytes(), d.clPlatform(), d.clDevice());
  }

  @Test
  void compileOfOneKey_doesNotWaitForASlowCompileOfAnotherKeyInTheSameHashBin() throws Exception {
    // "Aa" and "BB" have the same String hash, so the two keys' hashes are equal too.
    String slow = "//Aa\n" + SOURCE;
    String fast = "//BB\n" + SOURCE;
    assertEquals(slow.hashCode(), fast.hashCode());
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch finishSlow = new CountDownLatch(1);
    SharedDevices shared = new SharedDevices(8, SharedDevices::createContextForTests,
        (device, context, source, options) -> {
          if (source.equals(slow)) {
            slowStarted.countDown();
            awaitOrFail(finishSlow);
          }
          return SharedDevices.compile(device, context, source, options);
        });
    ExecutorService threads = Executors.newFixedThreadPool(2);
    cl_context context = shared.openContext(real());
    try {
      Future<SharedDevices.CachedProgram> slowBuild =
          threads.submit(() -> shared.acquireProgram(real(), context, slow, ""));
      assertTrue(slowStarted.await(60, TimeUnit.SECONDS));
      Future<SharedDevices.CachedProgram> fastBuild =
          threads.submit(() -> shared.acquireProgram(real(), context, fast, ""));
      // Completes while the slow compile is still held back.
      fastBuild.get(60, TimeUnit.SECONDS).release();
      assertEquals(1, finishSlow.getCount());
      finishSlow.countDown();
      slowBuild.get(60, TimeUnit.SECONDS).release();
      assertEquals(2, shared.builds());
    } finally {
      finishSlow.countDown();
      threads.shutdownNow();
      shared.closeContext();
      shared.releaseAll();
    }
  }

  @Test
  void firstOpenOfADevice_doesNotWaitForAnotherDevicesSlowContextCreation() throws Exception {
    OpenClDevice slowDevice = twin(98);
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch finishSlow = new CountDownLatch(1);
    SharedDevices shared = new SharedDevices(8, device -> {
      if (device.deviceIndex() == 98) {
        slowStarted.countDown();
        awaitOrFail(finishSlow);
      }
      return SharedDevices.createContextForTests(device);
    }, SharedDevices::compile);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<cl_context> slowOpen = threads.submit(() -> shared.openContext(slowDevice));
      assertTrue(slowStarted.await(60, TimeUnit.SECONDS));
      Future<cl_context> fastOpen = threads.submit(() -> shared.openContext(real()));
      fastOpen.get(60, TimeUnit.SECONDS);
      assertEquals(1, finishSlow.getCount());
      finishSlow.countDown();
      assertNotEquals(fastOpen.get(), slowOpen.get(60, TimeUnit.SECONDS));
    } finally {
      finishSlow.countDown();
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(60, TimeUnit.SECONDS));
      while (shared.openContexts() > 0) {
        shared.closeContext();
      }
      shared.releaseAll();
    }
  }

  @Test
  void concurrentFirstOpensOfOneDevice_createOneContext() throws Exception {
    CountDownLatch secondWaiting = new CountDownLatch(1);
    CompletableFuture<Void> creating = new CompletableFuture<>();
    int[] creations = new int[1];
    SharedDevices shared = new SharedDevices(8, device -> {
      synchronized (creations) {
        creations[0]++;
      }
      creating.complete(null);
      awaitOrFail(secondWaiting);
      return SharedDevices.createContextForTests(device);
    }, SharedDevices::compile);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<cl_context> first = threads.submit(() -> shared.openContext(real()));
      creating.get(60, TimeUnit.SECONDS);
      Future<cl_context> second = threads.submit(() -> {
        secondWaiting.countDown();
        return shared.openContext(real());
      });
      assertEquals(first.get(60, TimeUnit.SECONDS), second.get(60, TimeUnit.SECONDS));
      assertEquals(1, creations[0]);
    } finally {
      secondWaiting.countDown();
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(60, TimeUnit.SECONDS));
      while (shared.openContexts() > 0) {
        shared.closeContext();
      }
      shared.releaseAll();
    }
  }

  @Test
  void failedBuild_whoseLogCannotBeRead_isReleasedAndReported() {
    long programs = GpuStats.live().programs();
    SharedDevices shared = new SharedDevices(8, SharedDevices::createContextForTests,
        (device, context, source, options) -> SharedDevices.compile(device, context, source,
            options, program -> {
              throw new CLException("no log", CL.CL_INVALID_VALUE);
            }));
    cl_context context = shared.openContext(real());
    try {
      GpuBuildException e = assertThrows(GpuBuildException.class,
          () -> shared.acquireProgram(real(), context, "kernel void k( {", ""));
      assertTrue(e.buildLog().contains("could not be read"), e.buildLog());
      assertEquals(programs, GpuStats.live().programs(), "the failed program was released");
    } finally {
      shared.closeContext();
      shared.releaseAll();
    }
  }

  @Test
  void failedBuild_withJoclExceptionsTurnedOff_isThrownAndNotCached() {
    long programs = GpuStats.live().programs();
    String broken = "kernel void broken(global int* x) { x[0] = not_declared_" + System.nanoTime()
        + "; }";
    try (GpuContext gpu = GpuContext.open(real())) {
      CL.setExceptionsEnabled(false);
      try {
        assertThrows(GpuBuildException.class, () -> gpu.program(broken, ""));
        assertThrows(GpuBuildException.class, () -> gpu.program(broken, ""), "not cached");
      } finally {
        CL.setExceptionsEnabled(true);
      }
    }
    assertEquals(programs, GpuStats.live().programs());
  }

  @Test
  void releaseAll_whenOneContextReleaseFails_forgetsEveryContextAndThrows() {
    long contexts = GpuStats.live().contexts();
    // A context with no native object behind it: clReleaseContext answers CL_INVALID_CONTEXT.
    SharedDevices shared = new SharedDevices(8, device -> {
      if (device.deviceIndex() == 97) {
        ClObjects.created(ClObjects.Kind.CONTEXT);
        return new cl_context();
      }
      return SharedDevices.createContextForTests(device);
    }, SharedDevices::compile);
    cl_context first = shared.openContext(real());
    shared.openContext(twin(97));
    shared.closeContext();
    shared.closeContext();
    assertThrows(CLException.class, shared::releaseAll);
    assertEquals(contexts, GpuStats.live().contexts(), "every context counted as released");
    try {
      cl_context again = shared.openContext(real());
      // Not assertNotEquals: cl_context equality compares native addresses, and the new context
      // may be allocated where the released one was.
      assertNotSame(first, again, "a new context, not the released one");
      assertEquals(contexts + 1, GpuStats.live().contexts());
    } finally {
      shared.closeContext();
      shared.releaseAll();
    }
  }

  private static void awaitOrFail(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the latch");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
