package io.raylite.gpu;

import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clSetKernelArg;
import static org.jocl.CL.clWaitForEvents;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * A kernel of a {@link GpuProgram}, with its arguments set one by one, then {@link #run run} on
 * the context's queue. Owned by the context, which releases it on close if it was not closed
 * before. Not thread-safe: OpenCL kernel arguments are per kernel object, so each task creates its
 * own kernels.
 */
public final class GpuKernel implements AutoCloseable {
  private final GpuContext owner;
  private final String name;
  private final cl_kernel kernel;
  private boolean closed;

  GpuKernel(GpuContext owner, String name, cl_kernel kernel) {
    this.owner = owner;
    this.name = name;
    this.kernel = kernel;
  }

  /** The kernel function's name in its program. */
  public String name() {
    return name;
  }

  /** Sets kernel argument {@code index} to a buffer; returns this kernel. */
  public GpuKernel arg(int index, GpuBuffer<?> buffer) {
    checkOpen();
    clSetKernelArg(kernel, index, Sizeof.cl_mem, Pointer.to(buffer.clMem()));
    return this;
  }

  /** Sets kernel argument {@code index} to a {@code int}; returns this kernel. */
  public GpuKernel arg(int index, int value) {
    checkOpen();
    clSetKernelArg(kernel, index, Sizeof.cl_int, Pointer.to(new int[] {value}));
    return this;
  }

  /** Sets kernel argument {@code index} to a {@code long}; returns this kernel. */
  public GpuKernel arg(int index, long value) {
    checkOpen();
    clSetKernelArg(kernel, index, Sizeof.cl_long, Pointer.to(new long[] {value}));
    return this;
  }

  /** Sets kernel argument {@code index} to a {@code float}; returns this kernel. */
  public GpuKernel arg(int index, float value) {
    checkOpen();
    clSetKernelArg(kernel, index, Sizeof.cl_float, Pointer.to(new float[] {value}));
    return this;
  }

  /** Sets kernel argument {@code index} to a {@code double}; returns this kernel. */
  public GpuKernel arg(int index, double value) {
    checkOpen();
    clSetKernelArg(kernel, index, Sizeof.cl_double, Pointer.to(new double[] {value}));
    return this;
  }

  /** A {@code local} memory argument of {@code bytes} bytes per work-group. */
  public GpuKernel localMemory(int index, long bytes) {
    checkOpen();
    if (bytes < 1) {
      throw new IllegalArgumentException("local memory must be >= 1 byte, got " + bytes);
    }
    clSetKernelArg(kernel, index, bytes, null);
    return this;
  }

  /** The largest work-group size this kernel can run with on the device. */
  public long maxWorkGroupSize() {
    checkOpen();
    long[] size = new long[1];
    clGetKernelWorkGroupInfo(kernel, owner.device().clDevice(), CL_KERNEL_WORK_GROUP_SIZE,
        Sizeof.size_t, Pointer.to(size), null);
    return size[0];
  }

  /** Runs over {@code globalSize} work-items with a work-group size the driver picks. */
  public long run(long globalSize) {
    return run(globalSize, 0);
  }

  /**
   * Runs over {@code globalSize} work-items in work-groups of {@code localSize} (0: the driver
   * picks), waits for it to finish, and returns the kernel's device time in nanoseconds from the
   * queue's profiling.
   */
  public long run(long globalSize, long localSize) {
    checkOpen();
    if (globalSize < 1) {
      throw new IllegalArgumentException("globalSize must be >= 1, got " + globalSize);
    }
    if (localSize < 0 || (localSize > 0 && globalSize % localSize != 0)) {
      throw new IllegalArgumentException("localSize must be 0 or divide globalSize = " + globalSize
          + ", got " + localSize);
    }
    cl_event event = new cl_event();
    clEnqueueNDRangeKernel(owner.clQueue(), kernel, 1, null, new long[] {globalSize},
        localSize == 0 ? null : new long[] {localSize}, 0, null, event);
    ClObjects.created(ClObjects.Kind.EVENT);
    try {
      clWaitForEvents(1, new cl_event[] {event});
      long[] start = new long[1];
      long[] end = new long[1];
      clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong,
          Pointer.to(start), null);
      clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end),
          null);
      long nanos = end[0] - start[0];
      owner.addKernelNanos(nanos);
      return nanos;
    } finally {
      clReleaseEvent(event);
      ClObjects.released(ClObjects.Kind.EVENT);
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
      clReleaseKernel(kernel);
      ClObjects.released(ClObjects.Kind.KERNEL);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("kernel " + name + " is closed");
    }
    owner.checkOpen();
  }

  @Override
  public String toString() {
    return "GpuKernel[" + name + (closed ? ", closed" : "") + "]";
  }
}
