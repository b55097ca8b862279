package io.raylite.spi;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
    MemorySegment elements = segmentOf(value);
    data.writeInt(java.lang.reflect.Array.getLength(value));
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
    DataInputStream data = new DataInputStream(in);
    int tag = data.readUnsignedByte();
    if (tag == SERIALIZED) {
      try {
        return new ContextObjectInputStream(data).readObject();
      } catch (ClassNotFoundException e) {
        throw new IOException("cannot read a spilled object back: " + e.getMessage(), e);
      }
    }
    int length = data.readInt();
    Object array = switch (tag) {
      case BYTES -> new byte[length];
      case SHORTS -> new short[length];
      case CHARS -> new char[length];
      case INTS -> new int[length];
      case LONGS -> new long[length];
      case FLOATS -> new float[length];
      case DOUBLES -> new double[length];
      default -> throw new IOException("not a spill file of this codec: unknown tag " + tag);
    };
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

  /** Resolves classes with the thread's context class loader, where application classes live. */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    ContextObjectInputStream(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
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
  }

  @Override
  public String toString() {
    return "JavaSerializationCodec";
  }
}
