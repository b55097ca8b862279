package io.raylite.gpu;

import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;
import static org.jocl.CL.CL_QUEUE_PROPERTIES;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateCommandQueueWithProperties;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseMemObject;

import io.raylite.Raylite;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_queue_properties;

/**
 * What a GPU task needs to run OpenCL kernels on one device: the device, the device's shared
 * {@code cl_context}, a command queue of its own (with profiling, so {@link GpuKernel#run} reports
 * device time), buffers, and programs from the per-device cache, compiled once per device.
 *
 * <pre>{@code
 * static double[] scale(double[] xs) {
 *   try (GpuContext gpu = GpuContext.open();          // the GPU this task was assigned
 *        GpuBuffer<double[]> data = gpu.upload(xs)) {
 *     GpuProgram program = gpu.program(SOURCE, "");
 *     program.kernel("scale").arg(0, data).run(xs.length);
 *     return data.read();
 *   }
 * }
 * ray.task(Example::scale, xs).numGpus(0.5).remote();
 * }</pre>
 *
 * <p>Closing the context drains its queue and releases everything created through it that is
 * still open (buffers, kernels, program references), then the queue. Two tasks sharing one device
 * through fractional GPUs each open their own context, so their queues are independent.
 *
 * <p>A context still open when the task that opened it ends is closed then, with a warning (once
 * per task name) on the {@code io.raylite.gpu} {@link System.Logger}, so a forgotten close costs
 * neither device memory nor {@link #releaseShared()}. An actor may keep a context in a field
 * across calls: it is closed when the actor dies (or is rebuilt after a failure).
 *
 * <p>Not thread-safe: a context belongs to the task (thread) that opened it, or to its actor.
 */
public final class GpuContext implements AutoCloseable {
  private final OpenClDevice device;
  private final SharedDevices shared;
  private final cl_context context;
  private final cl_command_queue queue;
  private final Set<GpuBuffer<?>> buffers = new LinkedHashSet<>();
  private final Set<GpuKernel> kernels = new LinkedHashSet<>();
  private final Set<GpuEvent> events = new LinkedHashSet<>();
  private final Map<ProgramSource, GpuProgram> programs = new HashMap<>();
  /** Direct buffers of finished queued copies, by size in bytes, for the next ones. */
  private final Map<Integer, ArrayDeque<ByteBuffer>> staging = new HashMap<>();
  private long kernelNanos;
  private boolean closed;
  /** The task or actor this was opened in, or null outside one. */
  private final TaskScopes.Scope scope;
  /** The native objects held, for the Cleaner of a context opened outside any task. */
  final NativeObjects natives;
  /** Registered with CLEANER outside any task; null inside one, where the task's end closes. */
  private final Cleaner.Cleanable cleanable;

  private static final Cleaner CLEANER = Cleaner.create();

  private record ProgramSource(String source, String options) {}

  /** Free staging buffers kept per size: enough for a few copies in flight. */
  private static final int MAX_STAGING_PER_SIZE = 8;

  private GpuContext(OpenClDevice device, SharedDevices shared) {
    this.device = device;
    this.shared = shared;
    this.scope = TaskScopes.current();
    // Every call below relies on JOCL throwing on an error code; other code may have turned that
    // off for the whole process.
    CL.setExceptionsEnabled(true);
    this.context = shared.openContext(device);
    try {
      this.queue = createQueue(device, context);
    } catch (RuntimeException e) {
      shared.closeContext();
      throw e;
    }
    this.natives = new NativeObjects("GpuContext[" + device.describe() + "]");
    cl_command_queue q = queue;
    natives.add(q, () -> {
      try {
        clReleaseCommandQueue(q);
        ClObjects.released(ClObjects.Kind.QUEUE);
      } finally {
        shared.closeContext();
      }
    });
    if (scope != null) {
      scope.add(this);
      this.cleanable = null;
    } else {
      this.cleanable = CLEANER.register(this, natives);
    }
  }

  /* ---------------- Opening ---------------- */

  /**
   * Opens the first GPU assigned to the running task (the only one for a task that asked for at
   * most 1 GPU), under {@link OpenClDevices#system()}.
   *
   * @throws IllegalStateException outside a task, or when the task holds no GPU
   */
  public static GpuContext open() {
    return open(OpenClDevices.system());
  }

  /** As {@link #open()}, mapping GPU ids through {@code devices} (from a configured provider). */
  public static GpuContext open(OpenClDevices devices) {
    return open(devices.gpu(assignedGpuIds().getFirst()));
  }

  /** Opens a context for each GPU assigned to the running task, in ascending id order. */
  public static List<GpuContext> openAll() {
    return openAll(OpenClDevices.system());
  }

  /** As {@link #openAll()}, mapping GPU ids through {@code devices}. */
  public static List<GpuContext> openAll(OpenClDevices devices) {
    List<GpuContext> opened = new ArrayList<>();
    try {
      for (int id : assignedGpuIds()) {
        opened.add(open(devices.gpu(id)));
      }
    } catch (RuntimeException e) {
      opened.forEach(GpuContext::close);
      throw e;
    }
    return opened;
  }

  /** Opens a context on {@code device}, inside a task or not. */
  public static GpuContext open(OpenClDevice device) {
    return open(device, SharedDevices.INSTANCE);
  }

  /** As {@link #open(OpenClDevice)}, on the shared objects of {@code shared}. */
  static GpuContext open(OpenClDevice device, SharedDevices shared) {
    Objects.requireNonNull(device, "device");
    if (device.clDevice() == null) {
      throw new IllegalArgumentException("device " + device.describe() + " has no OpenCL handle");
    }
    return new GpuContext(device, shared);
  }

  private static List<Integer> assignedGpuIds() {
    List<Integer> ids = Raylite.context().gpuIds();
    if (ids.isEmpty()) {
      throw new IllegalStateException("task '" + Raylite.context().taskName()
          + "' holds no GPU: submit it with numGpus(n), for example numGpus(0.5)");
    }
    return ids;
  }

  /**
   * Releases the per-device contexts and cached programs shared by all tasks; the next
   * {@link #open} creates them again. For tests and for applications that are done with GPUs.
   *
   * @throws IllegalStateException while any GpuContext is open
   */
  public static void releaseShared() {
    SharedDevices.INSTANCE.releaseAll();
  }

  @SuppressWarnings("deprecation") // clCreateCommandQueue is the only way on OpenCL 1.x devices.
  private static cl_command_queue createQueue(OpenClDevice device, cl_context context) {
    cl_command_queue queue;
    if (device.versionNumber() >= 20) {
      cl_queue_properties properties = new cl_queue_properties();
      properties.addProperty(CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE);
      queue = clCreateCommandQueueWithProperties(context, device.clDevice(), properties, null);
    } else {
      queue = clCreateCommandQueue(context, device.clDevice(), CL_QUEUE_PROFILING_ENABLE, null);
    }
    ClObjects.created(ClObjects.Kind.QUEUE);
    return queue;
  }

  /* ---------------- Accessors ---------------- */

  /** The device this context runs on. */
  public OpenClDevice device() {
    return device;
  }

  /**
   * The device's shared context. An escape hatch for calls this class does not wrap: nothing
   * checks what is done with it, so never release it, and do not use it after this closes.
   */
  public cl_context clContext() {
    checkOpen();
    return context;
  }

  /**
   * This context's own command queue, in order, with profiling. An escape hatch like
   * {@link #clContext()}: never release it, and do not use it after this closes.
   */
  public cl_command_queue clQueue() {
    checkOpen();
    return queue;
  }

  /** The device time of every kernel run through this context so far, in nanoseconds. */
  public long kernelNanos() {
    return kernelNanos;
  }

  void addKernelNanos(long nanos) {
    kernelNanos += nanos;
  }

  /** Waits until every command queued on this context has finished. */
  public void finish() {
    checkOpen();
    try {
      clFinish(queue);
    } catch (CLException e) {
      throw new GpuException("waiting for the queue of " + this, e);
    }
  }

  /** Whether buffers of this context and kernels of {@code other} share one cl_context. */
  boolean sharesClContextWith(GpuContext other) {
    return context.equals(other.context);
  }

  /* ---------------- Buffers ---------------- */

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<double[]> upload(double[] values) {
    Objects.requireNonNull(values, "values");
    return create(GpuBuffer.Element.DOUBLE, values.length, Pointer.to(values));
  }

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<float[]> upload(float[] values) {
    Objects.requireNonNull(values, "values");
    return create(GpuBuffer.Element.FLOAT, values.length, Pointer.to(values));
  }

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<int[]> upload(int[] values) {
    Objects.requireNonNull(values, "values");
    return create(GpuBuffer.Element.INT, values.length, Pointer.to(values));
  }

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<long[]> upload(long[] values) {
    Objects.requireNonNull(values, "values");
    return create(GpuBuffer.Element.LONG, values.length, Pointer.to(values));
  }

  /** A device buffer of OpenCL {@code short}s holding a copy of {@code values}. */
  public GpuBuffer<short[]> upload(short[] values) {
    Objects.requireNonNull(values, "values");
    return create(GpuBuffer.Element.SHORT, values.length, Pointer.to(values));
  }

  /**
   * A device buffer of OpenCL {@code char}s ({@code uchar} in the kernel reads the same bits)
   * holding a copy of {@code values}: bytes, or records of mixed fields laid out by hand.
   */
  public GpuBuffer<byte[]> upload(byte[] values) {
    Objects.requireNonNull(values, "values");
    return create(GpuBuffer.Element.BYTE, values.length, Pointer.to(values));
  }

  /** An uninitialized device buffer of {@code length} doubles ({@code >= 1}). */
  public GpuBuffer<double[]> allocateDoubles(int length) {
    return create(GpuBuffer.Element.DOUBLE, length, null);
  }

  /** An uninitialized device buffer of {@code length} floats ({@code >= 1}). */
  public GpuBuffer<float[]> allocateFloats(int length) {
    return create(GpuBuffer.Element.FLOAT, length, null);
  }

  /** An uninitialized device buffer of {@code length} ints ({@code >= 1}). */
  public GpuBuffer<int[]> allocateInts(int length) {
    return create(GpuBuffer.Element.INT, length, null);
  }

  /** An uninitialized device buffer of {@code length} longs ({@code >= 1}). */
  public GpuBuffer<long[]> allocateLongs(int length) {
    return create(GpuBuffer.Element.LONG, length, null);
  }

  public GpuBuffer<short[]> allocateShorts(int length) {
    return create(GpuBuffer.Element.SHORT, length, null);
  }

  public GpuBuffer<byte[]> allocateBytes(int length) {
    return create(GpuBuffer.Element.BYTE, length, null);
  }

  private <A> GpuBuffer<A> create(GpuBuffer.Element<A> element, int length, Pointer source) {
    checkOpen();
    if (length < 1) {
      // OpenCL has no empty buffers (CL_INVALID_BUFFER_SIZE).
      throw new IllegalArgumentException("a buffer needs at least 1 element, got " + length);
    }
    long bytes = (long) length * element.bytes();
    if (bytes > device.maxAllocationBytes()) {
      throw new IllegalArgumentException("a buffer of " + length + " " + element.name() + "s ("
          + bytes + " bytes) is larger than the largest allocation " + device.describe()
          + " allows (CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + device.maxAllocationBytes() + " bytes)");
    }
    long flags = CL_MEM_READ_WRITE | (source != null ? CL_MEM_COPY_HOST_PTR : 0);
    cl_mem mem;
    try {
      mem = clCreateBuffer(context, flags, bytes, source, null);
    } catch (CLException e) {
      throw new GpuException("allocating a buffer of " + length + " " + element.name() + "s ("
          + bytes + " bytes) on " + device.describe() + " (global memory "
          + device.globalMemoryBytes() + " bytes, largest allocation "
          + device.maxAllocationBytes() + " bytes)", e);
    }
    ClObjects.created(ClObjects.Kind.BUFFER);
    natives.add(mem, () -> {
      clReleaseMemObject(mem);
      ClObjects.released(ClObjects.Kind.BUFFER);
    });
    GpuBuffer<A> buffer = new GpuBuffer<>(this, element, length, mem);
    buffers.add(buffer);
    return buffer;
  }

  /* ---------------- Programs and kernels ---------------- */

  /**
   * The program compiled from {@code source} with {@code options} for this device, from the
   * cache: compiled by the first task that asks, shared by every later one.
   *
   * @throws GpuBuildException if it does not compile; the message holds the build log
   */
  public GpuProgram program(String source, String options) {
    checkOpen();
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(options, "options");
    ProgramSource key = new ProgramSource(source, options);
    GpuProgram program = programs.get(key);
    if (program == null) {
      SharedDevices.CachedProgram cached = shared.acquireProgram(device, context, source, options);
      natives.add(cached, cached::release);
      program = new GpuProgram(this, cached);
      programs.put(key, program);
    }
    return program;
  }

  GpuKernel kernel(GpuProgram program, String name) {
    checkOpen();
    Objects.requireNonNull(name, "name");
    cl_kernel kernel;
    try {
      kernel = clCreateKernel(program.cached().program, name, null);
    } catch (CLException e) {
      throw new IllegalArgumentException("cannot create kernel '" + name + "': " + e.getMessage(),
          e);
    }
    ClObjects.created(ClObjects.Kind.KERNEL);
    GpuKernel k;
    try {
      k = new GpuKernel(this, name, kernel);
    } catch (RuntimeException e) {
      clReleaseKernel(kernel);
      ClObjects.released(ClObjects.Kind.KERNEL);
      throw e;
    }
    natives.add(kernel, () -> {
      clReleaseKernel(kernel);
      ClObjects.released(ClObjects.Kind.KERNEL);
    });
    kernels.add(k);
    return k;
  }

  void forget(GpuBuffer<?> buffer) {
    buffers.remove(buffer);
  }

  void forget(GpuKernel kernel) {
    kernels.remove(kernel);
  }

  /** Direct memory of at least {@code bytes} for a queued copy, reused when one is free. */
  ByteBuffer borrowStaging(int bytes) {
    ArrayDeque<ByteBuffer> free = staging.get(bytes);
    ByteBuffer buffer = free == null ? null : free.poll();
    if (buffer == null) {
      // Allocating direct memory is slow, and freeing it waits for a GC: hence the pool.
      buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    return buffer.clear();
  }

  /** Takes back staging memory whose copy is done; keeps a few per size. */
  void returnStaging(ByteBuffer buffer) {
    ArrayDeque<ByteBuffer> free = staging.computeIfAbsent(buffer.capacity(),
        size -> new ArrayDeque<>());
    if (free.size() < MAX_STAGING_PER_SIZE) {
      free.push(buffer);
    }
  }

  GpuEvent track(GpuEvent event) {
    events.add(event);
    natives.add(event.clEventUnchecked(), event.nativeRelease());
    return event;
  }

  void forget(GpuEvent event) {
    events.remove(event);
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("GpuContext on " + device.describe() + " is closed");
    }
  }

  /* ---------------- Closing ---------------- */

  /**
   * Waits for the queue, then releases what is still open (events, kernels, buffers, program
   * references) and the queue. Idempotent. Every release is attempted even if one fails; the first failure
   * is thrown with the others suppressed.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    natives.disarm();
    if (cleanable != null) {
      cleanable.clean();  // disarmed: only deregisters
    }
    if (scope != null) {
      scope.remove(this);
    }
    RuntimeException failure = null;
    try {
      clFinish(queue);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (GpuEvent e : List.copyOf(events)) {
      failure = attempt(failure, e::release);
    }
    events.clear();
    for (GpuKernel k : List.copyOf(kernels)) {
      failure = attempt(failure, k::release);
    }
    kernels.clear();
    for (GpuBuffer<?> b : List.copyOf(buffers)) {
      failure = attempt(failure, b::release);
    }
    buffers.clear();
    for (GpuProgram p : programs.values()) {
      failure = attempt(failure, p.cached()::release);
    }
    programs.clear();
    staging.clear();
    failure = attempt(failure, () -> {
      clReleaseCommandQueue(queue);
      ClObjects.released(ClObjects.Kind.QUEUE);
    });
    shared.closeContext();
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException attempt(RuntimeException failure, Runnable release) {
    try {
      release.run();
    } catch (RuntimeException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
    }
    return failure;
  }

  @Override
  public String toString() {
    return "GpuContext[" + device.describe() + (closed ? ", closed" : "") + "]";
  }
}
