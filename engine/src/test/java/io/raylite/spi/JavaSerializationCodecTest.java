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
}
