package io.raylite.gpu;

import static org.jocl.CL.CL_KERNEL_NUM_ARGS;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clGetKernelInfo;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clSetKernelArg;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * A kernel of a {@link GpuProgram}, with its arguments set one by one, then {@link #run run} (or
 * {@link #enqueue enqueued}) on the context's queue. Owned by the context, which releases it on
 * close if it was not closed before. Not thread-safe: OpenCL kernel arguments are per kernel
 * object, so each task creates its own kernels.
 *
 * <p>The kernel remembers what each argument was set to. A run refuses, with an
 * {@link IllegalStateException} naming the kernel and the argument, when an argument was never
 * set or when a buffer set as an argument has been closed since: OpenCL would otherwise be handed
 * a released {@code cl_mem}, which some drivers answer by aborting the process.
 */
public final class GpuKernel implements AutoCloseable {
  private final GpuContext owner;
  private final String name;
  private final cl_kernel kernel;
  /** The buffer set at each argument index, null for a scalar, local memory or nothing set. */
  private final GpuBuffer<?>[] buffers;
  /** Whether each argument has been set. */
  private final boolean[] set;
  private boolean closed;

  GpuKernel(GpuContext owner, String name, cl_kernel kernel) {
    this.owner = owner;
    this.name = name;
    this.kernel = kernel;
    int[] count = new int[1];
    clGetKernelInfo(kernel, CL_KERNEL_NUM_ARGS, Sizeof.cl_uint, Pointer.to(count), null);
    this.buffers = new GpuBuffer<?>[count[0]];
    this.set = new boolean[count[0]];
  }

  /** The kernel function's name in its program. */
  public String name() {
    return name;
  }

  /** How many arguments the kernel function declares. */
  public int argCount() {
    return set.length;
  }

  /**
   * Sets argument {@code index} to {@code buffer}, which must be open and belong to a context on
   * this kernel's device.
   *
   * @throws IllegalArgumentException if the index is out of range or the buffer lives on another
   *     device's context
   * @throws IllegalStateException if the buffer is closed
   */
  public GpuKernel arg(int index, GpuBuffer<?> buffer) {
    checkOpen();
    checkIndex(index);
    Objects.requireNonNull(buffer, "buffer");
    buffer.checkUsableOn(owner, this, index);
    setArg(index, Sizeof.cl_mem, Pointer.to(buffer.clMem()), "a buffer");
    buffers[index] = buffer;
    return this;
  }

  /** Sets kernel argument {@code index} to a {@code int}; returns this kernel. */
  public GpuKernel arg(int index, int value) {
    return scalar(index, Sizeof.cl_int, Pointer.to(new int[] {value}), "an int");
  }

  /** Sets kernel argument {@code index} to a {@code long}; returns this kernel. */
  public GpuKernel arg(int index, long value) {
    return scalar(index, Sizeof.cl_long, Pointer.to(new long[] {value}), "a long");
  }

  /** Sets kernel argument {@code index} to a {@code float}; returns this kernel. */
  public GpuKernel arg(int index, float value) {
    return scalar(index, Sizeof.cl_float, Pointer.to(new float[] {value}), "a float");
  }

  /** Sets kernel argument {@code index} to a {@code double}; returns this kernel. */
  public GpuKernel arg(int index, double value) {
    return scalar(index, Sizeof.cl_double, Pointer.to(new double[] {value}), "a double");
  }

  /** Sets kernel argument {@code index} to a {@code short}; returns this kernel. */
  public GpuKernel arg(int index, short value) {
    return scalar(index, Sizeof.cl_short, Pointer.to(new short[] {value}), "a short");
  }

  /** Sets kernel argument {@code index} to a {@code char} (a Java {@code byte}); returns this kernel. */
  public GpuKernel arg(int index, byte value) {
    return scalar(index, Sizeof.cl_char, Pointer.to(new byte[] {value}), "a byte");
  }

  /**
   * Sets argument {@code index} by value to the bytes of {@code struct} from its position to its
   * limit: a struct argument, laid out by the caller as the kernel declares it (mind OpenCL's
   * alignment rules and the device's byte order, {@link java.nio.ByteOrder#nativeOrder()} on
   * every common device). The buffer's position is left as it was.
   *
   * @throws IllegalArgumentException if the index is out of range or the view is empty, or if the
   *     driver reports that the size is not the argument's (not every driver checks struct sizes:
   *     PoCL does not)
   */
  public GpuKernel arg(int index, ByteBuffer struct) {
    Objects.requireNonNull(struct, "struct");
    if (!struct.hasRemaining()) {
      throw new IllegalArgumentException("kernel '" + name + "' argument " + index
          + ": the struct view has no bytes remaining");
    }
    ByteBuffer bytes = struct.slice();
    return scalar(index, bytes.remaining(), Pointer.toBuffer(bytes),
        "a struct of " + bytes.remaining() + " bytes");
  }

  /** A {@code local} memory argument of {@code bytes} bytes per work-group. */
  public GpuKernel localMemory(int index, long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("local memory must be >= 1 byte, got " + bytes);
    }
    return scalar(index, bytes, null, bytes + " bytes of local memory");
  }

  private GpuKernel scalar(int index, long size, Pointer value, String what) {
    checkOpen();
    checkIndex(index);
    setArg(index, size, value, what);
    buffers[index] = null;
    return this;
  }

  private void setArg(int index, long size, Pointer value, String what) {
    try {
      clSetKernelArg(kernel, index, size, value);
    } catch (CLException e) {
      // CL_INVALID_ARG_SIZE (a long given for an int), CL_INVALID_ARG_VALUE, CL_INVALID_MEM_OBJECT.
      throw new IllegalArgumentException("kernel '" + name + "' argument " + index
          + " does not take " + what + " (" + size + " bytes): "
          + org.jocl.CL.stringFor_errorCode(e.getStatus()), e);
    }
    set[index] = true;
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= set.length) {
      throw new IllegalArgumentException("kernel '" + name + "' has " + set.length
          + " argument(s), indices 0.." + (set.length - 1) + ", got index " + index);
    }
  }

  /** The largest work-group size this kernel can run with on the device. */
  public long maxWorkGroupSize() {
    checkOpen();
    long[] size = new long[1];
    clGetKernelWorkGroupInfo(kernel, owner.device().clDevice(), CL_KERNEL_WORK_GROUP_SIZE,
        Sizeof.size_t, Pointer.to(size), null);
    return size[0];
  }

  /* ---------------- Running ---------------- */

  /** Runs over {@code globalSize} work-items with a work-group size the driver picks. */
  public long run(long globalSize) {
    return run(GpuRange.of(globalSize));
  }

  /**
   * Runs over {@code globalSize} work-items in work-groups of {@code localSize} (0: the driver
   * picks), waits for it to finish, and returns the kernel's device time in nanoseconds.
   */
  public long run(long globalSize, long localSize) {
    if (localSize < 0 || (localSize > 0 && globalSize % localSize != 0)) {
      throw new IllegalArgumentException("localSize must be 0 or divide globalSize = " + globalSize
          + ", got " + localSize);
    }
    GpuRange range = GpuRange.of(globalSize);
    return run(localSize == 0 ? range : range.local(localSize));
  }

  /**
   * Runs over {@code range}, waits for it to finish, and returns the kernel's device time in
   * nanoseconds from the queue's profiling. Inside a task it waits holding the task's CPUs, as a
   * plain blocking call does: for a kernel short enough to run this way, lending the CPUs and
   * queueing for them again costs more than it frees. For a long kernel, {@link #enqueue} and
   * {@link GpuEvent#await()} lend them while the device works.
   */
  public long run(GpuRange range) {
    try (GpuEvent event = enqueue(range)) {
      event.await(false);
      return event.deviceNanos();
    }
  }

  /**
   * Queues a run over {@code range} and returns at once. The queue is in order, so commands queued
   * after it on the same context (reads, other kernels) see its results; wait for it with
   * {@link GpuEvent#await()}. The arguments are captured now: setting them again for the next
   * launch does not change this one. The run starts only once every event in {@code after} has
   * completed, which orders it after commands of other contexts on the device.
   *
   * @throws IllegalStateException if an argument is unset or its buffer was closed since, or an
   *     event in {@code after} is closed
   * @throws IllegalArgumentException if the work-group is larger than the kernel allows, or an
   *     event in {@code after} belongs to another device's context
   */
  public GpuEvent enqueue(GpuRange range, GpuEvent... after) {
    checkOpen();
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(after, "after");
    checkArguments();
    cl_event[] waitList = null;
    if (after.length > 0) {
      waitList = new cl_event[after.length];
      for (int i = 0; i < after.length; i++) {
        Objects.requireNonNull(after[i], "after[" + i + "]");
        waitList[i] = after[i].waitableBy(owner, "after[" + i + "]");
      }
    }
    long groupSize = range.workGroupSize();
    if (groupSize > 0) {
      long max = maxWorkGroupSize();
      if (groupSize > max) {
        throw new IllegalArgumentException("kernel '" + name + "' runs work-groups of at most "
            + max + " work-items on " + owner.device().describe() + ", got " + range);
      }
    }
    cl_event event = new cl_event();
    try {
      clEnqueueNDRangeKernel(owner.clQueue(), kernel, range.dimensions(), null,
          range.globalSizes(), range.localSizes(), after.length, waitList, event);
    } catch (CLException e) {
      throw new GpuException("launching kernel '" + name + "' over " + range + " on "
          + owner.device().describe(), e);
    }
    return owner.track(new GpuEvent(owner, "kernel '" + name + "' over " + range, event, true));
  }

  private void checkArguments() {
    for (int i = 0; i < set.length; i++) {
      if (!set[i]) {
        throw new IllegalStateException("kernel '" + name + "' argument " + i + " is not set"
            + " (the kernel has " + set.length + " argument(s)); set it with arg(" + i + ", ...)");
      }
      GpuBuffer<?> buffer = buffers[i];
      if (buffer != null && !buffer.isOpen()) {
        throw new IllegalStateException("kernel '" + name + "' argument " + i + " is " + buffer
            + ", closed since it was set; set an open buffer with arg(" + i + ", ...)");
      }
    }
  }

  /** Releases the kernel; idempotent. */
  @Override
  public void close() {
    if (!closed) {
      owner.forget(this);
      release();
    }
  }

  void release() {
    if (!closed) {
      closed = true;
      java.util.Arrays.fill(buffers, null);
      owner.natives.remove(kernel);
      clReleaseKernel(kernel);
      ClObjects.released(ClObjects.Kind.KERNEL);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("kernel '" + name + "' is closed");
    }
    owner.checkOpen();
  }

  @Override
  public String toString() {
    return "GpuKernel[" + name + (closed ? ", closed" : "") + "]";
  }
}
