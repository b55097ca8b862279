package io.raylite.spi;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * The default {@link SpillCodec}: Java serialization for any {@link Serializable} value, and the
 * raw bytes of primitive arrays (other than {@code boolean[]}), which are the bulk of what gets
 * spilled and which serialization would convert element by element.
 *
 * <p>Format: one tag byte; tag 0 is followed by a serialization stream, the others by the array
 * length and its elements in the machine's byte order. Spill files live only as long as the runtime
 * that wrote them, on the same machine, so the byte order never changes between write and read.
 * Classes are resolved with the thread's context class loader first, then as serialization does.
 *
 * <p>Reading back what is known to have been written ({@link #decode(InputStream, long, Class)}):
 * an array's length is checked against the stream's length before it is allocated, and a
 * serialization stream is read through an {@link ObjectInputFilter} that bounds the depth of the
 * graph to MAX_DEPTH, and the references, array lengths and bytes read to the stream's length
 * (each reference and array element takes at least one byte of it). The class of its root must be
 * the class written, unless that class replaces itself when serialized ({@code writeReplace}, as
 * the JDK's immutable collections do); the store checks the class of the value read in any case.
 */
public final class JavaSerializationCodec implements SpillCodec {
  private static final int SERIALIZED = 0;
  private static final int BYTES = 1;
  private static final int SHORTS = 2;
  private static final int CHARS = 3;
  private static final int INTS = 4;
  private static final int LONGS = 5;
  private static final int FLOATS = 6;
  private static final int DOUBLES = 7;
  /** Bytes copied per write or read of a primitive array. */
  private static final int CHUNK = 1 << 20;
  /** The deepest object graph read back; deeper nesting would overflow the reader's stack anyway. */
  static final int MAX_DEPTH = 10_000;
  /** The tag and the length before a primitive array's elements. */
  private static final int ARRAY_HEADER = 5;

  /** Creates the codec; it holds no state, so one instance may serve every runtime. */
  public JavaSerializationCodec() {}

  @Override
  public boolean canEncode(Object value) {
    return value instanceof Serializable;
  }

  @Override
  public void encode(Object value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    int tag = tagOf(value);
    data.writeByte(tag);
    if (tag == SERIALIZED) {
      ObjectOutputStream objects = new ObjectOutputStream(data);
      objects.writeObject(value);
      objects.flush();
      return;
    }
    data.writeInt(java.lang.reflect.Array.getLength(value));
    if (value instanceof byte[] bytes) {
      data.write(bytes);  // already in its final form: no staging copy
      data.flush();
      return;
    }
    MemorySegment elements = segmentOf(value);
    byte[] chunk = new byte[(int) Math.min(CHUNK, elements.byteSize())];
    MemorySegment buffer = MemorySegment.ofArray(chunk);
    for (long offset = 0; offset < elements.byteSize(); offset += chunk.length) {
      int n = (int) Math.min(chunk.length, elements.byteSize() - offset);
      MemorySegment.copy(elements, offset, buffer, 0, n);
      data.write(chunk, 0, n);
    }
    data.flush();
  }

  @Override
  public Object decode(InputStream in) throws IOException {
    return decode(in, Long.MAX_VALUE, null);
  }

  @Override
  public Object decode(InputStream in, long length, Class<?> valueClass) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int tag = data.readUnsignedByte();
    if (tag == SERIALIZED) {
      ContextObjectInputStream objects = new ContextObjectInputStream(data, rootClassName(valueClass));
      if (length != Long.MAX_VALUE) {
        long bound = Math.max(1, length);
        ObjectInputFilter limits = ObjectInputFilter.Config.createFilter("maxdepth=" + MAX_DEPTH + ";maxrefs=" + bound
            + ";maxbytes=" + bound + ";maxarray=" + bound);
        ObjectInputFilter current = objects.getObjectInputFilter();
        objects.setObjectInputFilter(current == null ? limits : ObjectInputFilter.merge(limits, current));
      }
      try {
        return objects.readObject();
      } catch (ClassNotFoundException e) {
        throw new IOException("cannot read a spilled object back: " + e.getMessage(), e);
      }
    }
    int count = data.readInt();
    int elementBytes = switch (tag) {
      case BYTES -> 1;
      case SHORTS, CHARS -> 2;
      case INTS, FLOATS -> 4;
      case LONGS, DOUBLES -> 8;
      default -> throw new IOException("not a spill file of this codec: unknown tag " + tag);
    };
    if (count < 0 || (length != Long.MAX_VALUE && ARRAY_HEADER + (long) count * elementBytes != length)) {
      throw new IOException("not a spill file of this codec: an array of " + count + " elements of "
          + elementBytes + " bytes cannot be in a stream of " + length + " bytes");
    }
    Object array = switch (tag) {
      case BYTES -> new byte[count];
      case SHORTS -> new short[count];
      case CHARS -> new char[count];
      case INTS -> new int[count];
      case LONGS -> new long[count];
      case FLOATS -> new float[count];
      default -> new double[count];
    };
    if (valueClass != null && array.getClass() != valueClass) {
      throw new IOException("not the object written: a " + array.getClass().getName() + " instead of a "
          + valueClass.getName());
    }
    if (array instanceof byte[] bytes) {
      data.readFully(bytes);  // straight into the value: no staging copy
      return array;
    }
    MemorySegment elements = segmentOf(array);
    byte[] chunk = new byte[(int) Math.min(CHUNK, elements.byteSize())];
    MemorySegment buffer = MemorySegment.ofArray(chunk);
    for (long offset = 0; offset < elements.byteSize(); offset += chunk.length) {
      int n = (int) Math.min(chunk.length, elements.byteSize() - offset);
      data.readFully(chunk, 0, n);
      MemorySegment.copy(buffer, 0, elements, offset, n);
    }
    return array;
  }

  /**
   * The size of {@link #encode}'s output for {@code value} if it is a primitive array written raw
   * (any but {@code boolean[]}), else -1: known without encoding it.
   */
  public static long rawArraySize(Object value) {
    return value == null || tagOf(value) == SERIALIZED ? -1
        : ARRAY_HEADER + segmentOf(value).byteSize();
  }

  /**
   * Copies bytes {@code [offset, offset + length)} of {@link #encode}'s output for the primitive
   * array {@code array} into {@code into} at {@code intoOffset}, without writing the rest: a part
   * of a large array's encoding costs one copy of that part.
   *
   * @throws IllegalArgumentException if {@code array} is not written raw ({@link #rawArraySize} is -1)
   * @throws IndexOutOfBoundsException if the range is outside the encoding or {@code into}
   */
  public static void copyRawArrayEncoding(Object array, long offset, byte[] into, int intoOffset, int length) {
    long size = rawArraySize(array);
    if (size < 0) {
      throw new IllegalArgumentException("not written raw: " + (array == null ? "null" : array.getClass().getName()));
    }
    java.util.Objects.checkFromIndexSize(offset, length, size);
    java.util.Objects.checkFromIndexSize(intoOffset, length, into.length);
    int length32 = java.lang.reflect.Array.getLength(array);
    byte[] header = {(byte) tagOf(array), (byte) (length32 >>> 24), (byte) (length32 >>> 16), (byte) (length32 >>> 8),
        (byte) length32};
    int fromHeader = (int) Math.max(0, Math.min(length, ARRAY_HEADER - offset));
    if (fromHeader > 0) {
      System.arraycopy(header, (int) offset, into, intoOffset, fromHeader);
    }
    if (length > fromHeader) {
      MemorySegment.copy(segmentOf(array), offset + fromHeader - ARRAY_HEADER, MemorySegment.ofArray(into),
          intoOffset + fromHeader, length - fromHeader);
    }
  }

  /**
   * The class name the stream's root must have for a value of {@code valueClass}, or null when
   * it cannot be told before reading (no class given, or one that replaces itself when written).
   */
  private static String rootClassName(Class<?> valueClass) {
    if (valueClass == null) {
      return null;
    }
    Class<?> root = valueClass;
    if (Enum.class.isAssignableFrom(root) && !root.isEnum()) {
      root = root.getSuperclass();  // a constant with a body: serialized as its enum type
    }
    for (Class<?> c = root; c != null; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod("writeReplace");
        return null;
      } catch (NoSuchMethodException notHere) {
        // look in the superclass
      }
    }
    return root.getName();
  }

  private static int tagOf(Object value) {
    return switch (value) {
      case byte[] a -> BYTES;
      case short[] a -> SHORTS;
      case char[] a -> CHARS;
      case int[] a -> INTS;
      case long[] a -> LONGS;
      case float[] a -> FLOATS;
      case double[] a -> DOUBLES;
      default -> SERIALIZED;
    };
  }

  private static MemorySegment segmentOf(Object array) {
    return switch (array) {
      case byte[] a -> MemorySegment.ofArray(a);
      case short[] a -> MemorySegment.ofArray(a);
      case char[] a -> MemorySegment.ofArray(a);
      case int[] a -> MemorySegment.ofArray(a);
      case long[] a -> MemorySegment.ofArray(a);
      case float[] a -> MemorySegment.ofArray(a);
      case double[] a -> MemorySegment.ofArray(a);
      default -> throw new IllegalArgumentException("not a primitive array: " + array.getClass());
    };
  }

  /**
   * Resolves classes with the thread's context class loader, where application classes live, and
   * refuses a stream whose root (the first class resolved) is not {@code rootClassName}, before
   * any of its objects is built.
   */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    private String rootClassName;

    ContextObjectInputStream(InputStream in, String rootClassName) throws IOException {
      super(in);
      this.rootClassName = rootClassName;
    }

    private void checkRoot(String name) throws InvalidClassException {
      String expected = rootClassName;
      if (expected != null) {
        rootClassName = null;  // only the first class is the root's
        if (!expected.equals(name)) {
          throw new InvalidClassException(name, "not the object written: its root is not a " + expected);
        }
      }
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      checkRoot(desc.getName());
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null) {
        try {
          return Class.forName(desc.getName(), false, context);
        } catch (ClassNotFoundException notThere) {
          // fall through to the default resolution below
        }
      }
      return super.resolveClass(desc);
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
      checkRoot("a proxy of " + String.join(", ", interfaces));
      return super.resolveProxyClass(interfaces);
    }
  }

  @Override
  public String toString() {
    return "JavaSerializationCodec";
  }
}
