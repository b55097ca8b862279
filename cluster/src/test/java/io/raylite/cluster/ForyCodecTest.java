package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.function.RayFunc1;
import io.raylite.spi.AllowlistCodec;
import io.raylite.spi.ValueCodec;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cluster's codec: Fory under the serialization allowlist, with Java serialization behind it. */
class ForyCodecTest {
  private final ForyCodec codec = new ForyCodec(getClass().getClassLoader());

  record Point(int x, String label, List<Double> weights) implements Serializable {}

  /** Counts its constructions, to show that a refused stream builds none. */
  record Gadget(String command) implements Serializable {
    static final AtomicInteger BUILT = new AtomicInteger();

    Gadget {
      BUILT.incrementAndGet();
    }
  }

  static final class Plain {
    int x;
  }

  static final class Node implements Serializable {
    Node next;
    int depth;
  }

  static Stream<Object> commonValues() {
    Map<String, Object> nested = new HashMap<>();
    nested.put("list", new ArrayList<>(List.of(1, "two", 3.0)));
    nested.put("set", new LinkedHashSet<>(List.of("a", "b")));
    nested.put("sorted", new TreeMap<>(Map.of(2, "b", 1, "a")));
    return Stream.of("text", 42, 42L, 3.5, true, 'c', new BigDecimal("1.25"), Instant.ofEpochSecond(1_700_000_000),
        List.of(1, 2, 3), Map.of("k", 1), nested, new Point(3, "p", List.of(0.5, 0.25)),
        new ArrayList<>(IntStream.range(0, 10_000).boxed().toList()), Thread.State.RUNNABLE, null);
  }

  @ParameterizedTest
  @MethodSource("commonValues")
  void commonValues_roundTripEqual(Object value) throws Exception {
    assertEquals(value, codec.decode(codec.encode(value)));
  }

  @Test
  void arrays_roundTripEqual_primitiveObjectAndNested() throws Exception {
    assertArrayEquals(new long[] {1, -2, Long.MAX_VALUE}, (long[]) codec.decode(codec.encode(new long[] {1, -2, Long.MAX_VALUE})));
    assertArrayEquals(new boolean[] {true, false}, (boolean[]) codec.decode(codec.encode(new boolean[] {true, false})));
    assertArrayEquals(new String[] {"a", null, "c"}, (String[]) codec.decode(codec.encode(new String[] {"a", null, "c"})));
    int[][] grid = {{1, 2}, {3}};
    assertTrue(Arrays.deepEquals(grid, (int[][]) codec.decode(codec.encode(grid))));
  }

  @Test
  void largeArray_roundTripsThroughAStream() throws Exception {
    double[] big = new double[4 << 20];
    Arrays.setAll(big, i -> i * 0.5);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    codec.encode(big, out);
    assertArrayEquals(big, (double[]) codec.decode(new java.io.ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  void largeObjectGraph_roundTripsThroughAStream() throws Exception {
    List<Point> points = IntStream.range(0, 200_000).mapToObj(i -> new Point(i, "p" + i, List.of(i * 1.0))).toList();
    byte[] bytes = codec.encode(points);
    assertEquals(points, codec.decode(new java.io.ByteArrayInputStream(bytes)));
  }

  @Test
  void sharedReferencesAndCycles_surviveTheRoundTrip() throws Exception {
    Node a = new Node();
    Node b = new Node();
    a.next = b;
    b.next = a;
    Node back = (Node) codec.decode(codec.encode(a));
    assertSame(back, back.next.next);
    List<Object> shared = new ArrayList<>();
    Point p = new Point(1, "x", List.of());
    shared.add(p);
    shared.add(p);
    List<?> copy = (List<?>) codec.decode(codec.encode(shared));
    assertSame(copy.get(0), copy.get(1));
  }

  @Test
  void deepChain_roundTrips() throws Exception {
    Node head = new Node();
    Node tail = head;
    for (int i = 1; i < 1_000; i++) {
      tail.next = new Node();
      tail.next.depth = i;
      tail = tail.next;
    }
    Node back = (Node) codec.decode(codec.encode(head));
    int length = 0;
    for (Node n = back; n != null; n = n.next) {
      length++;
    }
    assertEquals(1_000, length);
  }

  @Test
  void lambdaWithCaptures_runsAfterTheRoundTrip() throws Exception {
    int offset = 7;
    Point p = new Point(2, "captured", List.of());
    RayFunc1<Integer, String> f = x -> p.label() + (x + offset + p.x());
    @SuppressWarnings("unchecked")
    RayFunc1<Integer, String> back = (RayFunc1<Integer, String>) codec.decode(codec.encode(f));
    assertNotSame(f, back);
    assertEquals("captured10", back.apply(1));
  }

  @Test
  void exception_roundTripsWithItsMessageAndCause() throws Exception {
    IllegalStateException e = new IllegalStateException("outer", new IOException("inner"));
    IllegalStateException back = assertInstanceOf(IllegalStateException.class, codec.decode(codec.encode(e)));
    assertEquals("outer", back.getMessage());
    assertEquals("inner", back.getCause().getMessage());
    assertEquals(e.getStackTrace().length, back.getStackTrace().length);
  }

  @Test
  void decode_refusesAClassOutsideTheAllowlist_namingIt_andBuildsNone() throws Exception {
    ForyCodec strict = new ForyCodec(new AllowlistCodec("java.lang.*;java.util.*", getClass().getClassLoader()),
        getClass().getClassLoader());
    byte[] hostile = codec.encode(new ArrayList<>(List.of(new Gadget("rm -rf /"))));
    int built = Gadget.BUILT.get();
    InvalidClassException e = assertThrows(InvalidClassException.class, () -> strict.decode(hostile));
    assertTrue(e.getMessage().contains(Gadget.class.getName()) && e.getMessage().contains("allowlist"), e.getMessage());
    assertEquals(built, Gadget.BUILT.get());
  }

  @Test
  void decode_refusesALambdaWhoseCapturingClassIsOutsideTheAllowlist() throws Exception {
    ForyCodec strict = new ForyCodec(new AllowlistCodec("java.lang.*;java.lang.invoke.SerializedLambda;java.util.*",
        getClass().getClassLoader()), getClass().getClassLoader());
    RayFunc1<Integer, Integer> f = x -> x + 1;
    byte[] bytes = codec.encode(f);
    InvalidClassException e = assertThrows(InvalidClassException.class, () -> strict.decode(bytes));
    assertTrue(e.getMessage().contains("io.raylite"), e.getMessage());
  }

  @Test
  void decode_refusesTheSameClassAfterAnotherReaderAllowedIt() throws Exception {
    ForyCodec strict = new ForyCodec(new AllowlistCodec("java.lang.*;java.util.*", getClass().getClassLoader()),
        getClass().getClassLoader());
    byte[] bytes = codec.encode(new Gadget("x"));
    assertThrows(InvalidClassException.class, () -> strict.decode(bytes));
    assertThrows(InvalidClassException.class, () -> strict.decode(bytes));
  }

  @Test
  void decode_ofDamagedBytes_failsWithAnIOException() throws Exception {
    byte[] bytes = codec.encode(new Point(1, "x", List.of(1.0, 2.0)));
    byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
    assertThrows(IOException.class, () -> codec.decode(truncated));
  }

  @Test
  void decode_readsJavaSerializationBytes() throws Exception {
    byte[] java = new AllowlistCodec(getClass().getClassLoader()).encode(new Point(1, "java", List.of()));
    assertEquals(new Point(1, "java", List.of()), codec.decode(java));
  }

  @Test
  void encode_refusesANonSerializableClass_namingIt() {
    List<Object> holder = new ArrayList<>(List.of(new Plain()));
    NotSerializableException e = assertThrows(NotSerializableException.class, () -> codec.encode(holder));
    assertTrue(e.getMessage().contains(Plain.class.getName()), e.getMessage());
    assertThrows(NotSerializableException.class, () -> codec.encode(holder));  // and again, not cached as fine
  }

  static Stream<Object> jdkValuesJavaSerializationRefuses() {
    return Stream.of(new Object(), java.util.Optional.of(1), java.util.OptionalLong.of(2), java.nio.ByteBuffer.allocate(4));
  }

  @ParameterizedTest
  @MethodSource("jdkValuesJavaSerializationRefuses")
  void encode_refusesAJdkValueThatIsNotSerializable_asJavaSerializationDoes(Object value) {
    NotSerializableException e = assertThrows(NotSerializableException.class, () -> codec.encode(value));
    assertTrue(e.getMessage().contains(value.getClass().getName()), e.getMessage());
  }

  @Test
  void encode_ofAGraphTooDeepForTheStack_failsAtTheWriter() {
    Node head = new Node();
    Node tail = head;
    for (int i = 1; i < 1_000_000; i++) {
      tail.next = new Node();
      tail = tail.next;
    }
    assertThrows(NotSerializableException.class, () -> codec.encode(head));
  }

  @Test
  void encodeFunction_refusesALambdaCapturingANonSerializableValue() {
    Plain captured = new Plain();
    RayFunc1<Integer, Integer> f = x -> x + captured.x;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encodeFunction("t", f));
    assertTrue(e.getMessage().contains(Plain.class.getName()), e.getMessage());
  }

  @Test
  void valueCodecLoad_findsThisCodec_whenTheClusterJarIsOnTheClassPath() {
    assertInstanceOf(ForyCodec.class, ValueCodec.load(getClass().getClassLoader()));
  }

  @Test
  void serializeArguments_refusesANonSerializableArgumentAtSubmission_namingItsClass() {
    try (Raylite ray = Raylite.builder().cpus(1).discoverGpus(false).serializeArguments(true).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.task((Plain p) -> p.x, new Plain()).remote());
      assertTrue(e.getMessage().contains("argument 0") && e.getMessage().contains(Plain.class.getName()),
          e.getMessage());
    }
  }

  @Test
  void serializeArguments_runsTasksOnRecordsAndCapturesThroughThisCodec() {
    try (Raylite ray = Raylite.builder().cpus(1).discoverGpus(false).serializeArguments(true).build()) {
      String suffix = "!";
      ObjectRef<String> r = ray.task((Point p) -> p.label() + p.weights().size() + suffix,
          new Point(1, "w", List.of(1.0, 2.0))).remote();
      assertEquals("w2!", ray.get(r));
    }
  }
}
