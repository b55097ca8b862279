package io.raylite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bound on the lineage a runtime keeps (maxLineageTasks, maxLineageBytes): beyond it the oldest
 * lineage is dropped, and a result that loses its value afterwards (here, its spill file corrupted)
 * cannot be rebuilt, with an ObjectLostException that says why.
 */
class LineageBoundTest {
  private static final int MiB = 1 << 20;

  @TempDir
  Path spillParent;

  private Raylite.Builder spilling() {
    return Raylite.builder().cpus(2).objectStoreMemory(MiB).spillDirectory(spillParent);
  }

  private static void corruptSpillFileOf(Raylite ray, ObjectRef<?> ref) throws IOException {
    Path file = ray.runtime().objectStore().spillDirectory().resolve(ref.id() + ".spill");
    assertTrue(Files.exists(file), "no spill file " + file);
    byte flipped = (byte) ~Files.readAllBytes(file)[1_000];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {flipped}), 1_000);
    }
  }

  @Test
  void lineageBeyondMaxLineageTasks_isDroppedOldestFirst_andItsLostObjectSaysSo() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    try (Raylite ray = spilling().maxLineageTasks(1).build()) {
      ObjectRef<long[]> oldest = ray.task(() -> {
        runs.incrementAndGet();
        return SpillIntegrityTest.tooLargeToKeep(21);
      }).remote();
      ray.wait(List.of(oldest));
      ObjectRef<long[]> newer = ray.task(() -> SpillIntegrityTest.tooLargeToKeep(22)).remote();
      ray.wait(List.of(newer));
      corruptSpillFileOf(ray, oldest);
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(oldest));
      assertTrue(e.getMessage().contains("maxLineageTasks(1)"), e.getMessage());
      assertEquals(1, runs.get(), "a dropped lineage is never run");
    }
  }

  @Test
  void newestLineageWithinMaxLineageTasks_stillRebuildsItsObject() throws IOException {
    try (Raylite ray = spilling().maxLineageTasks(1).build()) {
      ObjectRef<long[]> oldest = ray.task(() -> SpillIntegrityTest.tooLargeToKeep(23)).remote();
      ray.wait(List.of(oldest));
      ObjectRef<long[]> newest = ray.task(() -> SpillIntegrityTest.tooLargeToKeep(24)).remote();
      ray.wait(List.of(newest));
      corruptSpillFileOf(ray, newest);
      assertArrayEquals(SpillIntegrityTest.tooLargeToKeep(24), ray.get(newest));
    }
  }

  @Test
  void lineageLargerThanMaxLineageBytes_isNotKept_andItsLostObjectSaysSo() throws IOException {
    byte[] argument = new byte[64 * 1024];
    try (Raylite ray = spilling().maxLineageBytes(16 * 1024).build()) {
      ObjectRef<long[]> ref = ray.task((byte[] a) -> SpillIntegrityTest.tooLargeToKeep(a.length), argument).remote();
      ray.wait(List.of(ref));
      corruptSpillFileOf(ray, ref);
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(e.getMessage().contains("maxLineageBytes(16384)"), e.getMessage());
    }
  }

  @Test
  void lostObjectOfATaskWithNoRetryLeft_saysItsRetriesAreUsed() throws IOException {
    try (Raylite ray = spilling().build()) {
      ObjectRef<long[]> ref = ray.task(() -> SpillIntegrityTest.tooLargeToKeep(25)).maxRetries(0).remote();
      ray.wait(List.of(ref));
      corruptSpillFileOf(ray, ref);
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(e.getMessage().contains("no retry left (maxRetries(0))"), e.getMessage());
    }
  }

  @Test
  void negativeMaxLineageTasks_failsAtTheBuilderNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Raylite.builder().maxLineageTasks(-1));
    assertTrue(e.getMessage().contains("maxLineageTasks must be >= 0"), e.getMessage());
  }

  @Test
  void negativeMaxLineageBytes_failsAtTheBuilderNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Raylite.builder().maxLineageBytes(-1));
    assertTrue(e.getMessage().contains("maxLineageBytes must be >= 0"), e.getMessage());
  }
}
