package io.raylite.gpu;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseProgram;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * The OpenCL objects shared by every task on a device: one {@code cl_context} per physical device
 * and the compiled programs.
 *
 * <pre>
 * Implementation overview
 *
 * Contexts: created on the first GpuContext opened on the device and kept until releaseAll().
 * The map holds one future per device. {@code lock} guards the map and the open-context count
 * and is held only to read or change them, never while OpenCL creates a context: the first
 * opener of a device puts an incomplete future in the map, leaves the lock, creates the context
 * and completes the future; later openers of that device wait for the future, and openers of
 * other devices do not wait at all. A failed creation removes its future, so the next open
 * tries again. An open counts itself before it looks at the map, so releaseAll(), which refuses
 * while anything is open, never meets an incomplete future.
 *
 * Programs: a Caffeine AsyncCache keyed by (source, build options, physical device), holding one
 * future per key. The first asker puts an incomplete future with putIfAbsent (a short atomic
 * step), then compiles on its own thread with no lock held, and completes the future; concurrent
 * askers of the same key wait for that one compilation, and a compile of another key never waits
 * for it, whichever hash bin the keys share. Caffeine weighs an incomplete future 0,
 * so an in-flight compile is never evicted.
 *
 * A cached program is handed out with a reference count (CachedProgram): the cache's removal
 * marks it evicted, and the cl_program is released by whichever comes last, the eviction or the
 * last holder's release. A holder that loses the race (it found the entry, then eviction marked
 * it before it counted itself in) sees tryAcquire() fail and looks the key up again, which
 * builds it anew.
 *
 * A failed build is taken out of the map, then its future is completed with a CachedProgram that
 * holds only the failure, which the waiters throw (completing it exceptionally would make
 * Caffeine log every build error as a warning).
 *
 * Error codes: JOCL reports errors by exception only while CL.setExceptionsEnabled(true), a
 * process-wide switch other code may turn off. Creating a context and building a program, whose
 * failures must never be cached, check the returned codes themselves as well.
 *
 * releaseAll() drops everything; it refuses while a GpuContext is open, since open contexts hold
 * the shared context and program references. It attempts every release whatever throws, always
 * empties the map, and then throws the first failure.
 * </pre>
 */
final class SharedDevices {
  static final SharedDevices INSTANCE = new SharedDevices();

  /** Distinct sources and option strings kept compiled; older ones are released. */
  private static final int MAX_PROGRAMS = 256;

  /** Creates a device's cl_context; replaced in tests to make a creation slow. */
  @FunctionalInterface
  interface ContextFactory {
    cl_context create(OpenClDevice device);
  }

  /** Compiles a program for a device; replaced in tests to make a compile slow. */
  @FunctionalInterface
  interface ProgramCompiler {
    cl_program compile(OpenClDevice device, cl_context context, String source, String options);
  }

  private final ContextFactory contextFactory;
  private final ProgramCompiler compiler;

  private final Object lock = new Object();
  /** One future per device, complete once its context exists; guarded by {@code lock}. */
  private final Map<DeviceKey, CompletableFuture<cl_context>> contexts = new HashMap<>();
  /** Open GpuContexts, and opens in progress; guarded by {@code lock}. */
  private int open;

  private final AsyncCache<ProgramKey, CachedProgram> programs;
  private final AtomicLong builds = new AtomicLong();

  private SharedDevices() {
    this(MAX_PROGRAMS, SharedDevices::createContext, compilerFromSystemProperties());
  }

  /** Compiles from source, through a {@link ProgramDiskCache} if {@link GpuConfig#PROGRAM_CACHE} is set. */
  private static ProgramCompiler compilerFromSystemProperties() {
    String directory = System.getProperty(GpuConfig.PROGRAM_CACHE, "").trim();
    if (directory.isEmpty()) {
      return SharedDevices::compile;
    }
    return new ProgramDiskCache(Path.of(directory), SharedDevices::compile);
  }

  /** An instance of its own, with a small cache, for tests of eviction. */
  SharedDevices(int maxPrograms) {
    this(maxPrograms, SharedDevices::createContext, SharedDevices::compile);
  }

  /** An instance of its own with the OpenCL calls that create shared objects replaced. */
  SharedDevices(int maxPrograms, ContextFactory contextFactory, ProgramCompiler compiler) {
    this.contextFactory = contextFactory;
    this.compiler = compiler;
    this.programs = Caffeine.newBuilder()
        .maximumSize(maxPrograms)
        // Release on the thread that removed the entry, not later on a pool thread: releaseAll()
        // must leave no program behind when it returns.
        .executor(Runnable::run)
        .removalListener((ProgramKey key, CachedProgram program, RemovalCause cause) -> {
          if (program != null) {
            program.evict();
          }
        })
        .buildAsync();
  }

  /** A physical device: the same whichever configuration offered it. */
  record DeviceKey(int platformIndex, int deviceIndex) {
    static DeviceKey of(OpenClDevice d) {
      return new DeviceKey(d.platformIndex(), d.deviceIndex());
    }
  }

  private record ProgramKey(String source, String options, DeviceKey device) {}

  /* ---------------- Contexts ---------------- */

  /** The device's shared context, created if needed; counts one more open GpuContext. */
  cl_context openContext(OpenClDevice device) {
    DeviceKey key = DeviceKey.of(device);
    CompletableFuture<cl_context> future;
    boolean creator = false;
    synchronized (lock) {
      open++;
      future = contexts.get(key);
      if (future == null) {
        future = new CompletableFuture<>();
        contexts.put(key, future);
        creator = true;
      }
    }
    try {
      if (creator) {
        try {
          future.complete(contextFactory.create(device));
        } catch (RuntimeException e) {
          synchronized (lock) {
            contexts.remove(key, future);
          }
          future.completeExceptionally(e);
          throw e;
        }
      }
      return join(future);
    } catch (RuntimeException e) {
      closeContext();
      throw e;
    }
  }

  /** The default {@link ContextFactory}, for tests that wrap it. */
  static cl_context createContextForTests(OpenClDevice device) {
    return createContext(device);
  }

  private static cl_context createContext(OpenClDevice device) {
    CL.setExceptionsEnabled(true);
    cl_context_properties properties = new cl_context_properties();
    properties.addProperty(CL_CONTEXT_PLATFORM, device.clPlatform());
    int[] status = new int[1];
    cl_context context = clCreateContext(properties, 1, new cl_device_id[] {device.clDevice()},
        null, null, status);
    checkStatus(status[0], "creating a context on " + device.describe());
    ClObjects.created(ClObjects.Kind.CONTEXT);
    return context;
  }

  /** One GpuContext fewer. */
  void closeContext() {
    synchronized (lock) {
      open--;
    }
  }

  int openContexts() {
    synchronized (lock) {
      return open;
    }
  }

  /**
   * Releases every cached program and shared context; the next open creates them again. Every
   * release is attempted and the contexts are forgotten even if one fails; the first failure is
   * then thrown with the others suppressed.
   *
   * @throws IllegalStateException while a GpuContext is open
   */
  void releaseAll() {
    synchronized (lock) {
      if (open > 0) {
        throw new IllegalStateException(
            "cannot release the shared OpenCL objects while " + open + " GpuContext(s) are open");
      }
      RuntimeException failure = null;
      try {
        programs.synchronous().invalidateAll();
        programs.synchronous().cleanUp();
      } catch (RuntimeException e) {
        failure = e;
      }
      List<CompletableFuture<cl_context>> all = List.copyOf(contexts.values());
      contexts.clear();
      for (CompletableFuture<cl_context> future : all) {
        try {
          // Complete: creations count as open, and none is.
          releaseContext(future.join());
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Releases a context; {@code clReleaseContext} counts as done even if it throws. */
  private static void releaseContext(cl_context context) {
    try {
      clReleaseContext(context);
    } finally {
      ClObjects.released(ClObjects.Kind.CONTEXT);
    }
  }

  /* ---------------- Programs ---------------- */

  /** The program built from {@code source} for the device, counted as held until released. */
  CachedProgram acquireProgram(OpenClDevice device, cl_context context, String source,
      String options) {
    ProgramKey key = new ProgramKey(source, options, DeviceKey.of(device));
    while (true) {
      CompletableFuture<CachedProgram> mine = new CompletableFuture<>();
      CompletableFuture<CachedProgram> found = programs.asMap().putIfAbsent(key, mine);
      if (found == null) {
        found = mine;
        try {
          builds.incrementAndGet();
          mine.complete(new CachedProgram(compiler.compile(device, context, source, options)));
        } catch (RuntimeException e) {
          // Out of the map first, so that the next ask compiles again; then the waiters learn.
          programs.asMap().remove(key, mine);
          mine.complete(CachedProgram.failed(e));
          throw e;
        }
      }
      CachedProgram program = join(found);
      if (program.failure != null) {
        throw program.failure;
      }
      if (program.tryAcquire()) {
        return program;
      }
    }
  }

  long builds() {
    return builds.get();
  }

  /** Runs the cache's pending evictions now. */
  void cleanUp() {
    programs.synchronous().cleanUp();
  }

  /** Builds {@code source} for the device, releasing the program if anything fails. */
  static cl_program compile(OpenClDevice device, cl_context context, String source,
      String options) {
    return compile(device, context, source, options,
        program -> buildLog(program, device.clDevice()));
  }

  /** As {@link #compile(OpenClDevice, cl_context, String, String)}, reading the log with {@code log}. */
  static cl_program compile(OpenClDevice device, cl_context context, String source,
      String options, Function<cl_program, String> log) {
    int[] status = new int[1];
    cl_program program = clCreateProgramWithSource(context, 1, new String[] {source}, null,
        status);
    checkStatus(status[0], "creating a program on " + device.describe());
    ClObjects.created(ClObjects.Kind.PROGRAM);
    boolean built = false;
    try {
      int result;
      try {
        result = clBuildProgram(program, 1, new cl_device_id[] {device.clDevice()}, options, null,
            null);
      } catch (CLException e) {
        result = e.getStatus();
      }
      if (result != CL_SUCCESS) {
        throw buildFailure(device, options, program, result, log);
      }
      built = true;
      return program;
    } finally {
      if (!built) {
        releaseProgram(program);
      }
    }
  }

  private static GpuBuildException buildFailure(OpenClDevice device, String options,
      cl_program program, int status, Function<cl_program, String> log) {
    CLException cause = new CLException(CL.stringFor_errorCode(status), status);
    String text;
    try {
      text = log.apply(program);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      text = "(the build log could not be read: " + e + ")";
    }
    return new GpuBuildException(device.describe(), options, text, cause);
  }

  private static void releaseProgram(cl_program program) {
    try {
      clReleaseProgram(program);
    } finally {
      ClObjects.released(ClObjects.Kind.PROGRAM);
    }
  }

  private static String buildLog(cl_program program, cl_device_id device) {
    long[] size = new long[1];
    checkStatus(clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size),
        "reading the build log size");
    byte[] bytes = new byte[(int) size[0]];
    checkStatus(clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, bytes.length,
        Pointer.to(bytes), null), "reading the build log");
    return OpenClDevices.cString(bytes);
  }

  /** Throws what JOCL would throw with exceptions enabled, whatever the switch says. */
  private static void checkStatus(int status, String what) {
    if (status != CL_SUCCESS) {
      throw new CLException(what + ": " + CL.stringFor_errorCode(status), status);
    }
  }

  /** The value of a future completed here, or the exception it was completed with. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** A compiled program with its holders counted; see the overview. */
  static final class CachedProgram {
    final cl_program program;
    /** Why the build failed, for those who waited on it; null when {@code program} is built. */
    final RuntimeException failure;
    private int holders;
    private boolean evicted;
    private boolean released;

    CachedProgram(cl_program program) {
      this.program = program;
      this.failure = null;
    }

    private CachedProgram(RuntimeException failure) {
      this.program = null;
      this.failure = failure;
      this.released = true;
    }

    static CachedProgram failed(RuntimeException failure) {
      return new CachedProgram(failure);
    }

    synchronized boolean tryAcquire() {
      if (evicted) {
        return false;
      }
      holders++;
      return true;
    }

    synchronized void release() {
      holders--;
      releaseIfUnused();
    }

    synchronized void evict() {
      evicted = true;
      releaseIfUnused();
    }

    private void releaseIfUnused() {
      if (evicted && holders == 0 && !released) {  // never for a failed build: born released
        released = true;
        releaseProgram(program);
      }
    }
  }
}
