package io.raylite.spi;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class JavaSerializationCodecTest {
  private final JavaSerializationCodec codec = new JavaSerializationCodec();

  static Stream<Object> values() {
    return Stream.of(
        new byte[] {1, -2, 3}, new short[] {-1, 300}, new char[] {'a', '\u20ac'}, new int[] {7, -8, 9},
        new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, new float[] {Float.NaN, -0.0f, 1.5f},
        new double[] {Double.MIN_VALUE, Double.NaN, -0.0}, new boolean[] {true, false}, new long[0],
        new long[300_000], "text", List.of(1, 2, 3), Map.of("k", new double[] {1, 2}));
  }

  @ParameterizedTest
  @MethodSource("values")
  void roundTrip_isBitExact(Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(codec.canEncode(value));
    codec.encode(value, out);
    Object back = codec.decode(new ByteArrayInputStream(out.toByteArray()));
    assertNotSame(value, back);
    if (value.getClass().isArray()) {
      assertTrue(java.util.Objects.deepEquals(new Object[] {value}, new Object[] {back}), value.getClass().getName());
    } else if (value instanceof Map<?, ?> m) {
      assertArrayEquals((double[]) m.get("k"), (double[]) ((Map<?, ?>) back).get("k"));
    } else {
      assertEquals(value, back);
    }
  }

  @Test
  void primitiveArrays_areWrittenRaw() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(new double[1_000], out);
    assertEquals(1 + 4 + 8_000, out.size(), "a tag, the length, and the elements");
  }

  record NotSerializable(int x) {}

  @Test
  void nonSerializableValues_areDeclined() {
    assertFalse(codec.canEncode(new NotSerializable(1)));
    assertFalse(codec.canEncode(new Object()));
  }

  /** Counts how often its readObject runs. */
  static final class Gadget implements java.io.Serializable {
    static final java.util.concurrent.atomic.AtomicInteger READS = new java.util.concurrent.atomic.AtomicInteger();
    private static final long serialVersionUID = 1L;

    private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READS.incrementAndGet();
    }
  }

  private byte[] encoded(Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(value, out);
    return out.toByteArray();
  }

  @Test
  void decode_refusesAStreamWhoseRootIsAnotherClass_beforeBuildingIt() throws IOException {
    byte[] bytes = encoded(new Gadget());
    int before = Gadget.READS.get();
    IOException e = assertThrows(IOException.class,
        () -> codec.decode(new ByteArrayInputStream(bytes), bytes.length, java.util.ArrayList.class));
    assertTrue(e.getMessage().contains("java.util.ArrayList"), e.getMessage());
    assertEquals(before, Gadget.READS.get());
  }

  @Test
  void decode_acceptsTheClassWritten_evenWhenItReplacesItselfWhenSerialized() throws IOException {
    List<Integer> value = List.of(1, 2, 3);  // written as java.util.CollSer
    byte[] bytes = encoded(value);
    assertEquals(value, codec.decode(new ByteArrayInputStream(bytes), bytes.length, value.getClass()));
  }

  @Test
  void decode_refusesAPrimitiveArrayLongerThanItsStream_beforeAllocatingIt() throws IOException {
    byte[] bytes = encoded(new long[4]);
    bytes[1] = 0x7f;  // the length's high byte: about two billion elements
    IOException e = assertThrows(IOException.class,
        () -> codec.decode(new ByteArrayInputStream(bytes), bytes.length, long[].class));
    assertTrue(e.getMessage().contains("cannot be in a stream of " + bytes.length + " bytes"), e.getMessage());
  }

  @Test
  void decode_refusesASerializedArrayLongerThanItsStream() throws IOException {
    byte[] bytes = encoded(new Object[] {new String[100]});
    // Claim fewer bytes than the stream has: the filter bounds array lengths by the stream's length.
    assertThrows(java.io.InvalidClassException.class,
        () -> codec.decode(new ByteArrayInputStream(bytes), 50, Object[].class));
  }

  static Stream<Object> rawArrays() {
    return Stream.of(new byte[] {1, -2, 3}, new short[] {-1, 300}, new char[] {'a', '\u20ac'}, new int[] {7, -8, 9},
        new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, new float[] {Float.NaN, -0.0f, 1.5f},
        new double[] {Double.MIN_VALUE, Double.NaN, -0.0}, new long[0]);
  }

  @ParameterizedTest
  @MethodSource("rawArrays")
  void copyRawArrayEncoding_ofEveryRange_matchesTheEncoding(Object array) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(array, out);
    byte[] encoded = out.toByteArray();
    assertEquals(encoded.length, JavaSerializationCodec.rawArraySize(array));
    for (int from = 0; from <= encoded.length; from++) {
      for (int to = from; to <= encoded.length; to++) {
        byte[] part = new byte[to - from + 1];
        JavaSerializationCodec.copyRawArrayEncoding(array, from, part, 1, to - from);
        assertArrayEquals(java.util.Arrays.copyOfRange(encoded, from, to), java.util.Arrays.copyOfRange(part, 1, part.length),
            "range " + from + ".." + to);
      }
    }
  }

  @Test
  void rawArraySize_isMinusOne_forAValueWrittenBySerialization() {
    assertEquals(-1, JavaSerializationCodec.rawArraySize(new boolean[] {true}));
    assertEquals(-1, JavaSerializationCodec.rawArraySize("text"));
    assertThrows(IllegalArgumentException.class,
        () -> JavaSerializationCodec.copyRawArrayEncoding("text", 0, new byte[1], 0, 1));
  }
}
