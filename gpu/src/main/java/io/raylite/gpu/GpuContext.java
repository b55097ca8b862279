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

import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * <p>Not thread-safe: a context belongs to the task (thread) that opened it.
 */
public final class GpuContext implements AutoCloseable {
  private final OpenClDevice device;
  private final cl_context context;
  private final cl_command_queue queue;
  private final Set<GpuBuffer<?>> buffers = new LinkedHashSet<>();
  private final Set<GpuKernel> kernels = new LinkedHashSet<>();
  private final Map<ProgramSource, GpuProgram> programs = new HashMap<>();
  private long kernelNanos;
  private boolean closed;

  private record ProgramSource(String source, String options) {}

  private GpuContext(OpenClDevice device) {
    this.device = device;
    this.context = SharedDevices.INSTANCE.openContext(device);
    try {
      this.queue = createQueue(device, context);
    } catch (RuntimeException e) {
      SharedDevices.INSTANCE.closeContext();
      throw e;
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
    Objects.requireNonNull(device, "device");
    if (device.clDevice() == null) {
      throw new IllegalArgumentException("device " + device.describe() + " has no OpenCL handle");
    }
    return new GpuContext(device);
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

  /** The device's shared context; never release it. */
  public cl_context clContext() {
    checkOpen();
    return context;
  }

  /** This context's own command queue, in order, with profiling; never release it. */
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
    clFinish(queue);
  }

  /* ---------------- Buffers ---------------- */

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<double[]> upload(double[] values) {
    return create(GpuBuffer.Element.DOUBLE, values.length, Pointer.to(values));
  }

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<float[]> upload(float[] values) {
    return create(GpuBuffer.Element.FLOAT, values.length, Pointer.to(values));
  }

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<int[]> upload(int[] values) {
    return create(GpuBuffer.Element.INT, values.length, Pointer.to(values));
  }

  /** A device buffer holding a copy of {@code values} (at least one element). */
  public GpuBuffer<long[]> upload(long[] values) {
    return create(GpuBuffer.Element.LONG, values.length, Pointer.to(values));
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

  private <A> GpuBuffer<A> create(GpuBuffer.Element<A> element, int length, Pointer source) {
    checkOpen();
    if (length < 1) {
      // OpenCL has no empty buffers (CL_INVALID_BUFFER_SIZE).
      throw new IllegalArgumentException("a buffer needs at least 1 element, got " + length);
    }
    long flags = CL_MEM_READ_WRITE | (source != null ? CL_MEM_COPY_HOST_PTR : 0);
    cl_mem mem = clCreateBuffer(context, flags, (long) length * element.bytes(), source, null);
    ClObjects.created(ClObjects.Kind.BUFFER);
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
      program = new GpuProgram(this,
          SharedDevices.INSTANCE.acquireProgram(device, context, source, options));
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
    GpuKernel k = new GpuKernel(this, name, kernel);
    kernels.add(k);
    return k;
  }

  void forget(GpuBuffer<?> buffer) {
    buffers.remove(buffer);
  }

  void forget(GpuKernel kernel) {
    kernels.remove(kernel);
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("GpuContext on " + device.describe() + " is closed");
    }
  }

  /* ---------------- Closing ---------------- */

  /**
   * Waits for the queue, then releases what is still open (kernels, buffers, program references)
   * and the queue. Idempotent. Every release is attempted even if one fails; the first failure
   * is thrown with the others suppressed.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    try {
      clFinish(queue);
    } catch (RuntimeException e) {
      failure = e;
    }
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
    failure = attempt(failure, () -> {
      clReleaseCommandQueue(queue);
      ClObjects.released(ClObjects.Kind.QUEUE);
    });
    SharedDevices.INSTANCE.closeContext();
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
