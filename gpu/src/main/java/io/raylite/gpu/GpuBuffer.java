package io.raylite.gpu;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clReleaseMemObject;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

/**
 * A device buffer of {@code double}, {@code float}, {@code int} or {@code long} elements, typed by
 * the Java array it copies to and from ({@code GpuBuffer<double[]>}). Created by a
 * {@link GpuContext}, which releases it when it closes if the buffer was not closed before; close
 * it early with try-with-resources to free device memory sooner. Reads and writes block until the
 * copy is done. Not thread-safe, like its context.
 *
 * @param <A> the Java array type of the elements
 */
public final class GpuBuffer<A> implements AutoCloseable {
  private final GpuContext owner;
  private final Element<A> element;
  private final int length;
  private final cl_mem mem;
  private boolean closed;

  GpuBuffer(GpuContext owner, Element<A> element, int length, cl_mem mem) {
    this.owner = owner;
    this.element = element;
    this.length = length;
    this.mem = mem;
  }

  /** The number of elements. */
  public int length() {
    return length;
  }

  /** The buffer's size on the device, in bytes. */
  public long bytes() {
    return (long) length * element.bytes;
  }

  /** The OpenCL handle, for calls this class does not wrap; owned by this buffer. */
  public cl_mem clMem() {
    checkOpen();
    return mem;
  }

  /** Copies {@code source}, which must have {@link #length()} elements, to the device. */
  public void write(A source) {
    checkOpen();
    checkLength(source, "source");
    clEnqueueWriteBuffer(owner.clQueue(), mem, CL_TRUE, 0, bytes(), element.pointer.apply(source),
        0, null, null);
  }

  /** Copies the buffer into a new array. */
  public A read() {
    A out = element.newArray.apply(length);
    read(out);
    return out;
  }

  /** Copies the buffer into {@code destination}, which must have {@link #length()} elements. */
  public void read(A destination) {
    checkOpen();
    checkLength(destination, "destination");
    clEnqueueReadBuffer(owner.clQueue(), mem, CL_TRUE, 0, bytes(),
        element.pointer.apply(destination), 0, null, null);
  }

  /**
   * Releases the device memory; idempotent. Safe while queued commands still use the buffer:
   * OpenCL frees the memory once they finish.
   */
  @Override
  public void close() {
    if (!closed) {
      owner.forget(this);
      release();
    }
  }

  /** Releases without telling the owner; the owner calls this when it closes. */
  void release() {
    if (!closed) {
      closed = true;
      clReleaseMemObject(mem);
      ClObjects.released(ClObjects.Kind.BUFFER);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("buffer is closed");
    }
    owner.checkOpen();
  }

  private void checkLength(A array, String name) {
    Objects.requireNonNull(array, name);
    int n = element.length.applyAsInt(array);
    if (n != length) {
      throw new IllegalArgumentException(
          name + " must have the buffer's length " + length + ", got " + n);
    }
  }

  @Override
  public String toString() {
    return "GpuBuffer[" + element.name + " x " + length + (closed ? ", closed" : "") + "]";
  }

  /** How one element type maps to a Java array and an OpenCL pointer. */
  record Element<A>(String name, int bytes, IntFunction<A> newArray, Function<A, Pointer> pointer,
      ToIntFunction<A> length) {
    static final Element<double[]> DOUBLE =
        new Element<>("double", Sizeof.cl_double, double[]::new, Pointer::to, a -> a.length);
    static final Element<float[]> FLOAT =
        new Element<>("float", Sizeof.cl_float, float[]::new, Pointer::to, a -> a.length);
    static final Element<int[]> INT =
        new Element<>("int", Sizeof.cl_int, int[]::new, Pointer::to, a -> a.length);
    static final Element<long[]> LONG =
        new Element<>("long", Sizeof.cl_long, long[]::new, Pointer::to, a -> a.length);
  }
}
