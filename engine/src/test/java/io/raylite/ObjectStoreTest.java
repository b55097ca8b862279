package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import io.raylite.internal.object.ObjectStore;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.io.IOException;
import java.io.Serializable;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {
  private static final int KiB = 1024;
  private static final int MiB = 1024 * KiB;

  @TempDir
  Path spillParent;

  private Raylite runtime(long capacity) {
    return Raylite.builder().cpus(2).objectStoreMemory(capacity).spillDirectory(spillParent).build();
  }

  /* ---------------- Spilling and restoring ---------------- */

  @Test
  void threeTimesCapacity_inLargeArrays_allReadBackBitExact_someFromDisk() {
    try (Raylite ray = runtime(4 * MiB)) {
      List<ObjectRef<Object>> refs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        refs.add(ray.put(largeValue(i, i)));
      }
      ObjectStoreStats afterPuts = ray.objectStoreStats();
      // Each value weighs a little over 1 MiB, so at most 3 fit in 4 MiB and 9 went to disk.
      assertTrue(afterPuts.objectsInMemory() <= 3, afterPuts.toString());
      assertTrue(afterPuts.spills() >= 9, afterPuts.toString());
      assertTrue(afterPuts.bytesInMemory() <= 4 * MiB, afterPuts.toString());

      for (int i = 0; i < refs.size(); i++) {
        assertBitExact(largeValue(i, i), ray.get(refs.get(i)), "value " + i);
      }
      ObjectStoreStats afterGets = ray.objectStoreStats();
      assertTrue(afterGets.restores() >= 9, afterGets.toString());
      assertTrue(afterGets.peakBytesInMemory() <= 4 * MiB + largestSize(), afterGets.toString());
      ray.runtime().objectStore().verifyAccounting();
    }
  }

  @Test
  void taskResults_spilledToDisk_areRestoredAsArguments() {
    try (Raylite ray = runtime(MiB)) {
      List<ObjectRef<long[]>> arrays = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        arrays.add(ray.task(ObjectStoreTest::longs, (long) i, 64 * KiB).remote());  // 512 KiB each
      }
      List<ObjectRef<Long>> sums = new ArrayList<>();
      for (ObjectRef<long[]> a : arrays) {
        sums.add(ray.task(ObjectStoreTest::sum, a).remote());
      }
      for (int i = 0; i < sums.size(); i++) {
        assertEquals(sum(longs(i, 64 * KiB)), ray.get(sums.get(i)), "sum " + i);
      }
      ObjectStoreStats stats = ray.objectStoreStats();
      assertTrue(stats.spills() >= 4 && stats.restores() >= 1, stats.toString());
    }
  }

  @Test
  void objectLargerThanCapacity_isStoredOnDisk_andReadBack() {
    try (Raylite ray = runtime(MiB)) {
      ObjectRef<double[]> ref = ray.put(doubles(7, 512 * KiB));  // 4 MiB
      ObjectStoreStats stats = ray.objectStoreStats();
      assertEquals(0, stats.objectsInMemory(), stats.toString());
      assertEquals(1, stats.objectsSpilled(), stats.toString());
      assertArrayEquals(doubles(7, 512 * KiB), ray.get(ref));
      assertArrayEquals(doubles(7, 512 * KiB), ray.get(ref));
      assertEquals(2, ray.objectStoreStats().restores());
      assertEquals(0, ray.objectStoreStats().bytesInMemory());
    }
  }

  @Test
  void sizedObject_isWeighedByWhatItReports() {
    try (Raylite ray = runtime(MiB)) {
      ray.put(new Reported(600 * KiB + 3));
      assertEquals(600 * KiB + 8, ray.objectStoreStats().bytesInMemory());
    }
  }

  @Test
  void nullValues_areStoredWithoutWeight() {
    try (Raylite ray = runtime(MiB)) {
      ObjectRef<Object> put = ray.put(null);
      ObjectRef<Object> result = ray.task(() -> null).remote();
      assertNull(ray.get(put));
      assertNull(ray.get(result));
      assertEquals(0, ray.objectStoreStats().objectsInMemory());
    }
  }

  @Test
  void smallObjects_areKeptOutsideTheCapacity_andNeverSpilled() {
    try (Raylite ray = runtime(4 * KiB)) {
      List<ObjectRef<Integer>> numbers = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        numbers.add(ray.put(i));
      }
      ObjectRef<String> text = ray.put("a short string");
      ObjectRef<long[]> array = ray.put(longs(1, 4 * KiB));  // 32 KiB: more than the capacity
      for (int i = 0; i < numbers.size(); i++) {
        assertEquals(i, ray.get(numbers.get(i)));
      }
      assertEquals("a short string", ray.get(text));
      assertArrayEquals(longs(1, 4 * KiB), ray.get(array));
      ObjectStoreStats stats = ray.objectStoreStats();
      assertEquals(0, stats.objectsInMemory(), stats.toString());
      assertEquals(0, stats.bytesInMemory(), stats.toString());
      assertEquals(1, stats.spills(), "only the array went to disk: " + stats);
      ray.free(List.of(numbers.get(7)));
      assertThrows(ObjectLostException.class, () -> ray.get(numbers.get(7)));
      assertEquals(8, ray.get(numbers.get(8)));
    }
  }

  @Test
  void putsInALoop_withDroppedRefs_areAllReleased() throws Exception {
    try (Raylite ray = runtime(4 * MiB)) {
      int count = 20_000;
      for (int i = 0; i < count; i++) {
        ray.put(new long[40]);  // 336 bytes: tracked, unlike a small value
      }
      awaitReleases(ray, count);
      ObjectStoreStats stats = ray.objectStoreStats();
      assertEquals(0, stats.objectsInMemory(), stats.toString());
      assertEquals(0, stats.bytesInMemory(), stats.toString());
      assertEquals(0, stats.objectsSpilled(), stats.toString());
    }
  }

  @Test
  void repeatedPutsOfOneArray_withDroppedRefs_collectInsteadOfSpilling() {
    try (Raylite ray = runtime(4 * MiB)) {
      long[] array = longs(5, MiB / 8);  // 1 MiB: three fit
      for (int i = 0; i < 40; i++) {
        ray.put(array);  // the ref is dropped at once, but only a collection can tell
      }
      ObjectStoreStats stats = ray.objectStoreStats();
      // Without collecting first, each put after the third would write the array to disk.
      assertTrue(stats.spills() < 10, stats.toString());
      assertTrue(stats.releases() >= 30, stats.toString());
      assertTrue(stats.bytesInMemory() <= 4 * MiB, stats.toString());
    }
  }

  /* ---------------- Objects that cannot be spilled ---------------- */

  @Test
  void nonSerializableObject_underPressure_isKeptInMemory() {
    try (Raylite ray = runtime(MiB)) {
      Blob blob = new Blob(new byte[256 * KiB]);
      ObjectRef<Blob> blobRef = ray.put(blob);
      Holder holder = new Holder(new byte[128 * KiB], new Object());  // Serializable, but encode fails
      ObjectRef<Holder> holderRef = ray.put(holder);
      List<ObjectRef<long[]>> pressure = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        pressure.add(ray.put(longs(i, 32 * KiB)));  // 256 KiB each, 2 MiB in all
      }
      assertSame(blob, ray.get(blobRef));
      assertSame(holder, ray.get(holderRef));
      ObjectStoreStats stats = ray.objectStoreStats();
      assertEquals(2, stats.objectsUnspillable(), stats.toString());
      assertTrue(stats.spills() >= 4, stats.toString());
      for (int i = 0; i < pressure.size(); i++) {
        assertArrayEquals(longs(i, 32 * KiB), ray.get(pressure.get(i)));
      }
      assertSame(blob, ray.get(blobRef));
      ray.runtime().objectStore().verifyAccounting();
    }
  }

  @Test
  void fullStore_failsPut_sayingBytesObjectsAndWhatCannotBeSpilled() {
    try (Raylite ray = runtime(MiB)) {
      List<ObjectRef<Blob>> kept = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        kept.add(ray.put(new Blob(new byte[300 * KiB])));
      }
      ObjectStoreStats before = ray.objectStoreStats();
      ObjectStoreFullException full =
          assertThrows(ObjectStoreFullException.class, () -> ray.put(new Blob(new byte[300 * KiB])));
      String message = full.getMessage();
      assertTrue(message.contains(before.bytesInMemory() + " bytes"), message);
      assertTrue(message.contains("by 3 objects"), message);
      assertTrue(message.contains("3 (" + before.bytesUnspillable() + " bytes"), message);
      assertTrue(message.contains(kept.get(0).id() + " (" + Blob.class.getName()), message);
      assertTrue(message.contains("not Serializable"), message);
      ObjectStoreStats after = ray.objectStoreStats();
      assertEquals(before.objectsInMemory(), after.objectsInMemory(), "a failed put leaves the store as it was");
      assertEquals(before.bytesInMemory(), after.bytesInMemory(), "a failed put leaves the store as it was");
      assertTrue(after.peakBytesInMemory() <= MiB + 300 * KiB + 16, "over capacity by one object at most: " + after);

      // Spillable objects still go in: to disk, since the blobs leave no room for them.
      ObjectRef<long[]> array = ray.put(longs(1, 32 * KiB));
      assertArrayEquals(longs(1, 32 * KiB), ray.get(array));
      ray.runtime().objectStore().verifyAccounting();
    }
  }

  @Test
  void fullStore_failsTaskWhoseResultCannotBeKept() {
    try (Raylite ray = runtime(MiB)) {
      ObjectRef<Blob> first = ray.put(new Blob(new byte[700 * KiB]));
      ObjectRef<Blob> second = ray.task(() -> new Blob(new byte[700 * KiB])).remote();
      ObjectStoreFullException full = assertThrows(ObjectStoreFullException.class, () -> ray.get(second));
      assertTrue(full.getMessage().contains(first.id()), full.getMessage());
      assertEquals(1, ray.objectStoreStats().objectsInMemory());
    }
  }

  /* ---------------- Release ---------------- */

  @Test
  void droppedRefs_areReleasedAfterGc_memoryAndDiskFreed() throws Exception {
    try (Raylite ray = runtime(MiB)) {
      List<ObjectRef<long[]>> refs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        refs.add(ray.put(longs(i, 32 * KiB)));  // 6 x 256 KiB: some in memory, some spilled
      }
      ObjectStoreStats before = ray.objectStoreStats();
      assertTrue(before.objectsInMemory() > 0 && before.objectsSpilled() > 0, before.toString());
      refs.clear();

      awaitReleases(ray, 6);
      ObjectStoreStats after = ray.objectStoreStats();
      assertEquals(6, after.releases(), after.toString());
      assertEquals(0, after.objectsInMemory(), after.toString());
      assertEquals(0, after.bytesInMemory(), after.toString());
      assertEquals(0, after.objectsSpilled(), after.toString());
      assertEquals(0, after.bytesSpilled(), after.toString());
      assertEquals(List.of(), spillFiles(ray));
    }
  }

  @Test
  void argumentOfPendingTask_isKept_untilTheTaskIsDone() throws Exception {
    try (Raylite ray = runtime(4 * MiB)) {
      GATE.set(new CountDownLatch(1));
      ObjectRef<Long> sum = submitWithDroppedArgument(ray);
      putAndDrop(ray, 1, 64);  // a witness that the collector does run (tracked: over 256 bytes)
      awaitReleases(ray, 1);
      // Even with further collections, the argument stays: its pending task needs it.
      System.gc();
      assertFalse(ray.runtime().objectStore().awaitReleases(2, TimeUnit.MILLISECONDS.toNanos(200)));
      assertEquals(1, ray.objectStoreStats().objectsInMemory());

      GATE.get().countDown();
      assertEquals(sum(longs(3, 1000)), ray.get(sum));
      awaitReleases(ray, 2);  // the task is done, so its argument goes
    }
  }

  @Test
  void largeTaskResult_whoseRefWasDroppedWhileItRan_isReleasedOnceItEnds() throws Exception {
    try (Raylite ray = runtime(4 * MiB)) {
      GATE.set(new CountDownLatch(1));
      submitLargeResultAndDrop(ray);
      System.gc();  // the ref is unreachable while the task still runs
      GATE.get().countDown();

      awaitReleases(ray, 1);
      ObjectStoreStats after = ray.objectStoreStats();
      assertEquals(1, after.releases(), after.toString());
      assertEquals(0, after.objectsInMemory(), after.toString());
      assertEquals(0, after.bytesInMemory(), after.toString());
      ray.runtime().objectStore().verifyAccounting();
    }
  }

  @Test
  void smallTaskResult_isFreedWithItsRef_whileTheTimelineStillShowsItsTask() throws Exception {
    try (Raylite ray = runtime(4 * MiB)) {
      ReferenceQueue<Object> collected = new ReferenceQueue<>();
      WeakReference<Object> value = getAndDropSmallResult(ray, collected);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      do {
        System.gc();
        assertTrue(System.nanoTime() < deadline, "the small result was never collected");
      } while (collected.remove(100) != value);

      Path file = spillParent.resolve("timeline.json");
      ray.timeline(file);
      assertTrue(Files.readString(file).contains("ObjectStoreTest.smallResult"), "the task is in the timeline");
    }
  }

  @Test
  void free_thenGet_failsWithObjectLost() {
    try (Raylite ray = runtime(MiB)) {
      ObjectRef<long[]> ref = ray.put(longs(1, 1000));
      ObjectRef<long[]> other = ray.put(longs(2, 1000));
      ray.free(List.of(ref));

      ObjectLostException lost = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(lost.getMessage().contains(ref.id()) && lost.getMessage().contains("freed"), lost.getMessage());
      assertThrows(ObjectLostException.class, ref::get);
      TaskFailedException failed =
          assertThrows(TaskFailedException.class, () -> ray.get(ray.task(ObjectStoreTest::sum, ref).remote()));
      assertInstanceOf(ObjectLostException.class, failed.getCause());

      assertArrayEquals(longs(2, 1000), ray.get(other));
      ObjectStoreStats stats = ray.objectStoreStats();
      assertEquals(1, stats.releases());
      assertEquals(1, stats.objectsInMemory());
    }
  }

  @Test
  void spillFiles_vanishWhenReleased_andOnClose() throws IOException {
    Raylite ray = runtime(MiB);
    List<ObjectRef<long[]>> refs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      refs.add(ray.put(longs(i, 64 * KiB)));  // 512 KiB each
    }
    List<String> files = spillFiles(ray);
    assertEquals(ray.objectStoreStats().objectsSpilled(), files.size());
    assertTrue(files.size() >= 2, files.toString());

    ObjectRef<long[]> spilled = refs.stream().filter(r -> files.contains(r.id() + ".spill")).findFirst().orElseThrow();
    ray.free(List.of(spilled));
    assertFalse(spillFiles(ray).contains(spilled.id() + ".spill"));
    assertEquals(files.size() - 1, spillFiles(ray).size());

    ray.close();
    try (Stream<Path> left = Files.list(spillParent)) {
      assertEquals(List.of(), left.toList(), "the runtime's spill directory is deleted on close");
    }
  }

  /* ---------------- Concurrency ---------------- */

  @Test
  void concurrentPutGetFree_neverHoldMoreThanCapacityPlusOneObject() throws Exception {
    long capacity = MiB;
    int threads = 6;
    int operations = 150;
    int maxLongs = 16 * KiB;  // 128 KiB
    try (Raylite ray = runtime(capacity)) {
      Map<ObjectRef<long[]>, long[]> live = new ConcurrentHashMap<>();  // ref -> {seed, length}
      Map<ObjectRef<long[]>, Boolean> freed = new ConcurrentHashMap<>();
      AtomicLong seeds = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int op = 0; op < operations; op++) {
              int dice = random.nextInt(10);
              List<ObjectRef<long[]>> known = new ArrayList<>(live.keySet());
              if (dice < 5 || known.isEmpty()) {
                long seed = seeds.incrementAndGet();
                int length = 1 + random.nextInt(maxLongs);
                live.put(ray.put(longs(seed, length)), new long[] {seed, length});
              } else if (dice < 9) {
                ObjectRef<long[]> ref = known.get(random.nextInt(known.size()));
                long[] spec = live.get(ref);
                if (spec != null && freed.get(ref) == null) {
                  try {
                    assertArrayEquals(longs(spec[0], (int) spec[1]), ray.get(ref));
                  } catch (ObjectLostException racedWithFree) {
                    assertNotNull(freed.get(ref), "lost without being freed: " + racedWithFree.getMessage());
                  }
                }
              } else {
                ObjectRef<long[]> ref = known.get(random.nextInt(known.size()));
                freed.put(ref, Boolean.TRUE);
                ray.free(List.of(ref));
              }
              ObjectStoreStats stats = ray.objectStoreStats();
              assertTrue(stats.bytesInMemory() <= capacity + ObjectStoreTest.sizeOfLongs(maxLongs), stats.toString());
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      ObjectStoreStats stats = ray.objectStoreStats();
      assertTrue(stats.peakBytesInMemory() <= capacity + sizeOfLongs(maxLongs), stats.toString());
      assertTrue(stats.peakBytesInMemory() > capacity / 2, "the test put the store under pressure: " + stats);
      assertTrue(stats.spills() > 0 && stats.restores() > 0, stats.toString());
      ray.runtime().objectStore().verifyAccounting();
      for (Map.Entry<ObjectRef<long[]>, long[]> e : live.entrySet()) {
        if (freed.containsKey(e.getKey())) {
          assertThrows(ObjectLostException.class, () -> ray.get(e.getKey()));
        } else {
          assertArrayEquals(longs(e.getValue()[0], (int) e.getValue()[1]), ray.get(e.getKey()));
        }
      }
      ray.runtime().objectStore().verifyAccounting();
    }
  }

  /* ---------------- Helpers ---------------- */

  static final java.util.concurrent.atomic.AtomicReference<CountDownLatch> GATE =
      new java.util.concurrent.atomic.AtomicReference<>();

  static long sumAfterGate(long[] values) throws InterruptedException {
    GATE.get().await();
    return sum(values);
  }

  static long[] largeResultAfterGate() throws InterruptedException {
    GATE.get().await();
    return longs(7, 32 * KiB);  // 256 KiB: stored in the cache, so released when unreachable
  }

  /** Submits a task whose result's only ref is dropped when this method returns. */
  private static void submitLargeResultAndDrop(Raylite ray) {
    ray.task(ObjectStoreTest::largeResultAfterGate).remote();
  }

  static byte[] smallResult() {
    return new byte[16];
  }

  /** Runs a task with a small result, reads it and drops both; returns a weak reference to the value. */
  private static WeakReference<Object> getAndDropSmallResult(Raylite ray, ReferenceQueue<Object> queue) {
    byte[] value = ray.task(ObjectStoreTest::smallResult).remote().get();
    return new WeakReference<>(value, queue);
  }

  /** Submits a task on an object whose only ref is dropped when this method returns. */
  private static ObjectRef<Long> submitWithDroppedArgument(Raylite ray) {
    return ray.task(ObjectStoreTest::sumAfterGate, ray.put(longs(3, 1000))).remote();
  }

  private static void putAndDrop(Raylite ray, int count, int longs) {
    for (int i = 0; i < count; i++) {
      ray.put(longs(100 + i, longs));
    }
  }

  /** Runs the collector until {@code total} objects have been released, waiting on the store's signal. */
  private static void awaitReleases(Raylite ray, long total) throws InterruptedException {
    ObjectStore store = ray.runtime().objectStore();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    do {
      System.gc();
      assertTrue(System.nanoTime() < deadline,
          "expected " + total + " releases, got " + ray.objectStoreStats().releases());
    } while (!store.awaitReleases(total, TimeUnit.MILLISECONDS.toNanos(100)));
  }

  private static List<String> spillFiles(Raylite ray) throws IOException {
    Path dir = ray.runtime().objectStore().spillDirectory();
    if (dir == null) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static long[] longs(long seed, int length) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] values = new long[length];
    for (int i = 0; i < length; i++) {
      values[i] = random.nextLong();
    }
    return values;
  }

  static double[] doubles(long seed, int length) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = Double.longBitsToDouble(random.nextLong());  // every bit pattern, NaNs included
    }
    return values;
  }

  static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }

  static long sizeOfLongs(int length) {
    return 16L + 8L * length;
  }

  /** About 1 MiB of one of several kinds, from a seed. */
  private static Object largeValue(int kind, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = MiB;
    return switch (kind % 12) {
      case 0 -> doubles(seed, n / 8);
      case 1 -> longs(seed, n / 8);
      case 2 -> r.ints(n / 4).toArray();
      case 3 -> {
        byte[] a = new byte[n];
        r.nextBytes(a);
        yield a;
      }
      case 4 -> {
        float[] a = new float[n / 4];
        for (int i = 0; i < a.length; i++) {
          a[i] = Float.intBitsToFloat(r.nextInt());
        }
        yield a;
      }
      case 5 -> {
        short[] a = new short[n / 2];
        for (int i = 0; i < a.length; i++) {
          a[i] = (short) r.nextInt();
        }
        yield a;
      }
      case 6 -> {
        char[] a = new char[n / 2];
        for (int i = 0; i < a.length; i++) {
          a[i] = (char) r.nextInt();
        }
        yield a;
      }
      case 7 -> {
        boolean[] a = new boolean[n];
        for (int i = 0; i < a.length; i++) {
          a[i] = r.nextBoolean();
        }
        yield a;
      }
      case 8 -> new IntArrayList(r.ints(n / 4).toArray());  // fastutil, Serializable
      case 9 -> r.ints(n, 'a', 'z' + 1)  // Latin-1: 1 MiB of payload
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
      case 10 -> doubles(seed, n / 8 - 1);
      default -> longs(seed, n / 8 + 5);
    };
  }

  private static long largestSize() {
    return 16L + MiB + 5 * 8;
  }

  private static void assertBitExact(Object expected, Object actual, String what) {
    switch (expected) {
      case double[] e -> {
        double[] a = (double[]) actual;
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
          assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), what + " [" + i + "]");
        }
      }
      case float[] e -> {
        float[] a = (float[]) actual;
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
          assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), what + " [" + i + "]");
        }
      }
      case long[] e -> assertArrayEquals(e, (long[]) actual, what);
      case int[] e -> assertArrayEquals(e, (int[]) actual, what);
      case byte[] e -> assertArrayEquals(e, (byte[]) actual, what);
      case short[] e -> assertArrayEquals(e, (short[]) actual, what);
      case char[] e -> assertArrayEquals(e, (char[]) actual, what);
      case boolean[] e -> assertArrayEquals(e, (boolean[]) actual, what);
      default -> assertEquals(expected, actual, what);
    }
  }

  /** Not Serializable: the default codec cannot spill it. */
  record Blob(byte[] bytes) {}

  /** Serializable, but holding something that is not, so writing it fails. */
  record Holder(byte[] bytes, Object notSerializable) implements Serializable {}

  record Reported(long bytes) implements Sized, Serializable {
    @Override
    public long sizeInBytes() {
      return bytes;
    }
  }
}
