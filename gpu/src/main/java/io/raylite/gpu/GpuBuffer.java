package io.raylite.gpu;

import static org.jocl.CL.CL_FALSE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clReleaseMemObject;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * A device buffer of {@code double}, {@code float}, {@code long}, {@code int}, {@code short} or
 * {@code byte} elements, typed by the Java array it copies to and from ({@code
 * GpuBuffer<double[]>}). Created by a {@link GpuContext}, which releases it when it closes if the
 * buffer was not closed before; close it early with try-with-resources to free device memory
 * sooner. Not thread-safe, like its context.
 *
 * <p>{@link #read} and {@link #write} block until the copy is done, whole or in part (offsets and
 * lengths count elements). {@link #writeAsync} and {@link #readAsync} queue the copy and return at
 * once, staging the data in direct memory so that the Java array is never touched by the driver
 * after the call returns (write) or before {@link GpuEvent#await()} (read).
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

  /** {@code double}, {@code float}, {@code long}, {@code int}, {@code short} or {@code byte}. */
  public String elementType() {
    return element.name;
  }

  /** Whether neither this buffer nor its context has been closed. */
  public boolean isOpen() {
    return !closed;
  }

  /**
   * The OpenCL handle, for calls this class does not wrap; owned by this buffer. An escape hatch:
   * nothing checks what is done with it, so never release it, and do not use it after the buffer
   * closes.
   */
  public cl_mem clMem() {
    checkOpen();
    return mem;
  }

  /* ---------------- Blocking copies ---------------- */

  /** Copies {@code source}, which must have {@link #length()} elements, to the device. */
  public void write(A source) {
    checkOpen();
    checkLength(source, "source");
    write(0, source, 0, length);
  }

  /**
   * Copies {@code count} elements of {@code source} from {@code sourceOffset} to the buffer at
   * element {@code offset}.
   *
   * @throws IndexOutOfBoundsException if either range falls outside its array or buffer
   */
  public void write(int offset, A source, int sourceOffset, int count) {
    checkOpen();
    checkRange(offset, source, sourceOffset, count, "source");
    try {
      clEnqueueWriteBuffer(owner.clQueue(), mem, CL_TRUE, (long) offset * element.bytes,
          (long) count * element.bytes,
          element.pointer.apply(source).withByteOffset((long) sourceOffset * element.bytes), 0,
          null, null);
    } catch (CLException e) {
      throw new GpuException("writing " + count + " element(s) at " + offset + " of " + this, e);
    }
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
    read(0, destination, 0, length);
  }

  /**
   * Copies {@code count} elements of the buffer from element {@code offset} into
   * {@code destination} at {@code destinationOffset}.
   *
   * @throws IndexOutOfBoundsException if either range falls outside its array or buffer
   */
  public void read(int offset, A destination, int destinationOffset, int count) {
    checkOpen();
    checkRange(offset, destination, destinationOffset, count, "destination");
    try {
      clEnqueueReadBuffer(owner.clQueue(), mem, CL_TRUE, (long) offset * element.bytes,
          (long) count * element.bytes,
          element.pointer.apply(destination)
              .withByteOffset((long) destinationOffset * element.bytes), 0, null, null);
    } catch (CLException e) {
      throw new GpuException("reading " + count + " element(s) at " + offset + " of " + this, e);
    }
  }

  /* ---------------- Queued copies ---------------- */

  /** As {@link #write(Object)}, queued: {@code source} may be reused once this returns. */
  public GpuEvent writeAsync(A source) {
    checkOpen();
    checkLength(source, "source");
    return writeAsync(0, source, 0, length);
  }

  /** As {@link #write(int, Object, int, int)}, queued: {@code source} may be reused at once. */
  public GpuEvent writeAsync(int offset, A source, int sourceOffset, int count) {
    checkOpen();
    checkRange(offset, source, sourceOffset, count, "source");
    ByteBuffer staging = stage(count);
    element.toStaging.put(staging, source, sourceOffset, count);
    cl_event event = new cl_event();
    try {
      clEnqueueWriteBuffer(owner.clQueue(), mem, CL_FALSE, (long) offset * element.bytes,
          (long) count * element.bytes, Pointer.toBuffer(staging), 0, null, event);
    } catch (CLException e) {
      owner.returnStaging(staging);
      throw new GpuException("queueing a write of " + count + " element(s) at " + offset + " of "
          + this, e);
    }
    // The event holds the staging memory until the copy is done.
    return owner.track(new GpuEvent(owner, "write to " + this, event, false, staging, null));
  }

  /**
   * As {@link #read(Object)}, queued: {@code destination} holds the data once the returned event
   * has been awaited, and must not be read before.
   */
  public GpuEvent readAsync(A destination) {
    checkOpen();
    checkLength(destination, "destination");
    return readAsync(0, destination, 0, length);
  }

  /** As {@link #read(int, Object, int, int)}, queued; see {@link #readAsync(Object)}. */
  public GpuEvent readAsync(int offset, A destination, int destinationOffset, int count) {
    checkOpen();
    checkRange(offset, destination, destinationOffset, count, "destination");
    ByteBuffer staging = stage(count);
    cl_event event = new cl_event();
    try {
      clEnqueueReadBuffer(owner.clQueue(), mem, CL_FALSE, (long) offset * element.bytes,
          (long) count * element.bytes, Pointer.toBuffer(staging), 0, null, event);
    } catch (CLException e) {
      owner.returnStaging(staging);
      throw new GpuException("queueing a read of " + count + " element(s) at " + offset + " of "
          + this, e);
    }
    return owner.track(new GpuEvent(owner, "read from " + this, event, false, staging,
        () -> element.fromStaging.get(staging, destination, destinationOffset, count)));
  }

  private ByteBuffer stage(int count) {
    return owner.borrowStaging(count * element.bytes);
  }

  /* ---------------- Closing ---------------- */

  /**
   * Releases the device memory; idempotent. Safe while queued commands still use the buffer:
   * OpenCL frees the memory once they finish. A kernel that had this buffer as an argument
   * refuses to run until the argument is set again.
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
      owner.natives.remove(mem);
      clReleaseMemObject(mem);
      ClObjects.released(ClObjects.Kind.BUFFER);
    }
  }

  /** Checks that a kernel of {@code context} may take this buffer as argument {@code index}. */
  void checkUsableOn(GpuContext context, GpuKernel kernel, int index) {
    if (closed) {
      throw new IllegalStateException("kernel '" + kernel.name() + "' argument " + index + ": "
          + this + " is closed");
    }
    if (!owner.sharesClContextWith(context)) {
      throw new IllegalArgumentException("kernel '" + kernel.name() + "' argument " + index + ": "
          + this + " belongs to an OpenCL context on " + owner.device().describe()
          + ", not the kernel's on " + context.device().describe()
          + "; upload the data through the kernel's GpuContext");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
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

  private void checkRange(int offset, A array, int arrayOffset, int count, String name) {
    Objects.requireNonNull(array, name);
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    Objects.checkFromIndexSize(offset, count, length);
    Objects.checkFromIndexSize(arrayOffset, count, element.length.applyAsInt(array));
  }

  @Override
  public String toString() {
    return "GpuBuffer[" + element.name + " x " + length + ", " + bytes() + " bytes"
        + (closed ? ", closed" : "") + "]";
  }

  /** Copies {@code count} elements between an array at {@code from} and a staging buffer. */
  @FunctionalInterface
  interface StagingCopy<A> {
    void put(ByteBuffer staging, A array, int from, int count);
  }

  /** Copies {@code count} elements from a staging buffer into an array at {@code from}. */
  @FunctionalInterface
  interface StagingRead<A> {
    void get(ByteBuffer staging, A array, int from, int count);
  }

  /** How one element type maps to a Java array and an OpenCL pointer. */
  record Element<A>(String name, int bytes, IntFunction<A> newArray, Function<A, Pointer> pointer,
      ToIntFunction<A> length, StagingCopy<A> toStaging, StagingRead<A> fromStaging) {
    static final Element<double[]> DOUBLE = new Element<>("double", Sizeof.cl_double,
        double[]::new, Pointer::to, a -> a.length,
        (s, a, from, n) -> s.asDoubleBuffer().put(a, from, n),
        (s, a, from, n) -> s.asDoubleBuffer().get(a, from, n));
    static final Element<float[]> FLOAT = new Element<>("float", Sizeof.cl_float,
        float[]::new, Pointer::to, a -> a.length,
        (s, a, from, n) -> s.asFloatBuffer().put(a, from, n),
        (s, a, from, n) -> s.asFloatBuffer().get(a, from, n));
    static final Element<long[]> LONG = new Element<>("long", Sizeof.cl_long,
        long[]::new, Pointer::to, a -> a.length,
        (s, a, from, n) -> s.asLongBuffer().put(a, from, n),
        (s, a, from, n) -> s.asLongBuffer().get(a, from, n));
    static final Element<int[]> INT = new Element<>("int", Sizeof.cl_int,
        int[]::new, Pointer::to, a -> a.length,
        (s, a, from, n) -> s.asIntBuffer().put(a, from, n),
        (s, a, from, n) -> s.asIntBuffer().get(a, from, n));
    static final Element<short[]> SHORT = new Element<>("short", Sizeof.cl_short,
        short[]::new, Pointer::to, a -> a.length,
        (s, a, from, n) -> s.asShortBuffer().put(a, from, n),
        (s, a, from, n) -> s.asShortBuffer().get(a, from, n));
    static final Element<byte[]> BYTE = new Element<>("byte", Sizeof.cl_char,
        byte[]::new, Pointer::to, a -> a.length,
        (s, a, from, n) -> s.duplicate().put(a, from, n),
        (s, a, from, n) -> s.duplicate().get(a, from, n));
  }
}
