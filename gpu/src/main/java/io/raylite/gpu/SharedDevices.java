package io.raylite.gpu;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseProgram;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
 * The map and the open-context count are guarded by {@code lock}; creating a context under the
 * lock serializes first opens, which happen once per device.
 *
 * Programs: a Caffeine cache keyed by (source, build options, physical device). Caffeine runs a
 * key's loader at most once at a time, so concurrent tasks asking for the same program on the
 * same device wait for one compilation instead of compiling it twice. A cached program is handed
 * out with a reference count (CachedProgram): the cache's eviction marks it evicted, and the
 * cl_program is released by whichever comes last, the eviction or the last holder's release.
 * A holder that loses the race (it found the entry, then eviction marked it before it counted
 * itself in) sees tryAcquire() fail and looks the key up again, which builds it anew.
 *
 * releaseAll() drops everything; it refuses while a GpuContext is open, since open contexts hold
 * the shared context and program references.
 * </pre>
 */
final class SharedDevices {
  static final SharedDevices INSTANCE = new SharedDevices();

  /** Distinct sources and option strings kept compiled; older ones are released. */
  private static final int MAX_PROGRAMS = 256;

  private final Object lock = new Object();
  /** Guarded by {@code lock}. */
  private final Map<DeviceKey, cl_context> contexts = new HashMap<>();
  /** Open GpuContexts; guarded by {@code lock}. */
  private int open;

  private final Cache<ProgramKey, CachedProgram> programs;
  private final AtomicLong builds = new AtomicLong();

  private SharedDevices() {
    this(MAX_PROGRAMS);
  }

  /** An instance of its own, with a small cache, for tests of eviction. */
  SharedDevices(int maxPrograms) {
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
        .build();
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
    synchronized (lock) {
      cl_context context = contexts.get(DeviceKey.of(device));
      if (context == null) {
        CL.setExceptionsEnabled(true);
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL_CONTEXT_PLATFORM, device.clPlatform());
        context = clCreateContext(properties, 1, new cl_device_id[] {device.clDevice()}, null, null,
            null);
        ClObjects.created(ClObjects.Kind.CONTEXT);
        contexts.put(DeviceKey.of(device), context);
      }
      open++;
      return context;
    }
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
   * Releases every cached program and shared context; the next open creates them again.
   *
   * @throws IllegalStateException while a GpuContext is open
   */
  void releaseAll() {
    synchronized (lock) {
      if (open > 0) {
        throw new IllegalStateException(
            "cannot release the shared OpenCL objects while " + open + " GpuContext(s) are open");
      }
      programs.invalidateAll();
      programs.cleanUp();
      for (cl_context context : contexts.values()) {
        clReleaseContext(context);
        ClObjects.released(ClObjects.Kind.CONTEXT);
      }
      contexts.clear();
    }
  }

  /* ---------------- Programs ---------------- */

  /** The program built from {@code source} for the device, counted as held until released. */
  CachedProgram acquireProgram(OpenClDevice device, cl_context context, String source,
      String options) {
    ProgramKey key = new ProgramKey(source, options, DeviceKey.of(device));
    while (true) {
      CachedProgram program = programs.get(key, k -> build(device, context, k));
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
    programs.cleanUp();
  }

  private CachedProgram build(OpenClDevice device, cl_context context, ProgramKey key) {
    builds.incrementAndGet();
    cl_program program = clCreateProgramWithSource(context, 1, new String[] {key.source()}, null,
        null);
    ClObjects.created(ClObjects.Kind.PROGRAM);
    try {
      clBuildProgram(program, 1, new cl_device_id[] {device.clDevice()}, key.options(), null, null);
    } catch (CLException e) {
      String log = buildLog(program, device.clDevice());
      clReleaseProgram(program);
      ClObjects.released(ClObjects.Kind.PROGRAM);
      throw new GpuBuildException(device.describe(), key.options(), log, e);
    }
    return new CachedProgram(program);
  }

  private static String buildLog(cl_program program, cl_device_id device) {
    long[] size = new long[1];
    clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
    byte[] bytes = new byte[(int) size[0]];
    clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes),
        null);
    return OpenClDevices.cString(bytes);
  }

  /** A compiled program with its holders counted; see the overview. */
  static final class CachedProgram {
    final cl_program program;
    private int holders;
    private boolean evicted;
    private boolean released;

    CachedProgram(cl_program program) {
      this.program = program;
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
      if (evicted && holders == 0 && !released) {
        released = true;
        clReleaseProgram(program);
        ClObjects.released(ClObjects.Kind.PROGRAM);
      }
    }
  }
}
