package io.raylite.internal.object;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.raylite.Raylite;
import io.raylite.Sized;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2DoubleOpenHashMap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SizeEstimatorTest {

  @BeforeEach
  void defaultLayout() {
    // The figures below are those of a 64-bit HotSpot VM with its default flags, as the tests run.
    assumeTrue(SizeEstimator.OBJECT_HEADER == 12 && SizeEstimator.REFERENCE == 4 && SizeEstimator.ALIGNMENT == 8);
  }

  @Test
  void primitiveArrays_areExact() {
    assertEquals(16 + 8_000, SizeEstimator.sizeOf(new long[1_000]));
    assertEquals(16 + 8_000, SizeEstimator.sizeOf(new double[1_000]));
    assertEquals(16 + 4 * 1_001 + 4, SizeEstimator.sizeOf(new int[1_001]));
    assertEquals(16 + 8, SizeEstimator.sizeOf(new byte[3]));
    assertEquals(16 + 16, SizeEstimator.sizeOf(new boolean[9]));
    assertEquals(16, SizeEstimator.sizeOf(new char[0]));
    assertEquals(16 + 2 * 5 + 6, SizeEstimator.sizeOf(new short[5]));
    assertEquals(16 + 4 * 3 + 4, SizeEstimator.sizeOf(new float[3]));
  }

  @Test
  void strings_areExact_latin1AndUtf16() {
    assertEquals(24 + 24, SizeEstimator.sizeOf("hello"));           // 5 bytes of Latin-1
    assertEquals(24 + 32, SizeEstimator.sizeOf("\u20ac\u20ac\u20ac\u20ac\u20ac"));  // 10 bytes of UTF-16
    assertEquals(24 + 16, SizeEstimator.sizeOf(""));
  }

  @Test
  void boxedPrimitives_areExact() {
    assertEquals(16, SizeEstimator.sizeOf(42));
    assertEquals(24, SizeEstimator.sizeOf(42L));
    assertEquals(24, SizeEstimator.sizeOf(4.2));
    assertEquals(16, SizeEstimator.sizeOf(true));
  }

  @Test
  void fastutilCollections_areExact() {
    IntArrayList list = new IntArrayList(100);
    list.add(7);
    // IntArrayList: header, int[] a, int size; then its backing array of 100 ints.
    assertEquals(24 + 16 + 400, SizeEstimator.sizeOf(list));

    Long2DoubleOpenHashMap map = new Long2DoubleOpenHashMap(10);
    map.put(1L, 2.0);
    // Five references (two arrays, three lazily made views), five ints, a boolean, a float, and
    // the default value (a double) from its superclass; then long[] key and double[] value.
    long shallow = SizeEstimator.align(12 + 5 * 4 + 5 * 4 + 1 + 4 + 8);
    int slots = tableLength(map);
    assertEquals(shallow + 2 * (16 + 8L * slots), SizeEstimator.sizeOf(map));
  }

  @Test
  void sizedObjects_reportTheirOwnSize_roundedToWords() {
    assertEquals(1_000_008, SizeEstimator.sizeOf((Sized) () -> 1_000_001));
    assertEquals(16, SizeEstimator.sizeOf((Sized) () -> 0));
    assertThrows(IllegalArgumentException.class, () -> SizeEstimator.sizeOf((Sized) () -> -1));
  }

  record Point(int x, long y, double[] weights) {}

  @Test
  void recordsOnTheClassPath_areWalkedExactly() {
    // header 12 + int 4 + long 8 + reference 4 = 28, aligned to 32; then the array.
    assertEquals(32 + 16 + 80, SizeEstimator.sizeOf(new Point(1, 2, new double[10])));
  }

  static final class Node {
    Node next;
    final long[] payload = new long[4];
  }

  @Test
  void cyclesAndSharedObjects_areCountedOnce() {
    Node a = new Node();
    Node b = new Node();
    a.next = b;
    b.next = a;
    long node = 24 + 16 + 32;  // header + reference + reference, aligned; then long[4]
    assertEquals(2 * node, SizeEstimator.sizeOf(a));
    Object[] twice = {a, a};
    assertEquals(16 + 8 + 2 * node, SizeEstimator.sizeOf(twice));
  }

  @Test
  void jdkCollections_areEstimatedFromASample_withinAQuarterOfTheTruth() {
    ArrayList<String> strings = new ArrayList<>();
    long truth = 24 + SizeEstimator.array(4, 10_000);  // the ArrayList and a full backing array
    for (int i = 0; i < 10_000; i++) {
      String s = "value-" + i + "-".repeat(i % 50);
      strings.add(s);
      truth += 24 + SizeEstimator.array(1, s.length());
    }
    strings.trimToSize();
    long estimate = SizeEstimator.sizeOf(strings);
    assertTrue(Math.abs(estimate - truth) < truth / 4, estimate + " estimated, " + truth + " true");
  }

  @Test
  void objectRefsInsideValues_doNotPullInTheRuntime() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      Object[] holder = {ray.put(new long[1_000_000])};
      assertTrue(SizeEstimator.sizeOf(holder) < 1_000, "a ref weighs a few words, not its object or runtime");
    }
  }

  private static int tableLength(Long2DoubleOpenHashMap map) {
    try {
      java.lang.reflect.Field key = Long2DoubleOpenHashMap.class.getDeclaredField("key");
      key.setAccessible(true);
      return ((long[]) key.get(map)).length;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
