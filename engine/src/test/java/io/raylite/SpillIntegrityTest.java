package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import io.raylite.spi.JavaSerializationCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spill files: verified before they are read, contained in an owner-only directory, never silently wrong. */
class SpillIntegrityTest {
  private static final int MiB = 1 << 20;

  @TempDir
  Path spillParent;

  private Raylite runtime() {
    return Raylite.builder().cpus(2).objectStoreMemory(MiB).spillDirectory(spillParent).build();
  }

  /** Twice the capacity: written straight to disk, and every read comes from there. */
  static long[] tooLargeToKeep(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] values = new long[2 * MiB / 8];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextLong();
    }
    return values;
  }

  /** As tooLargeToKeep, written by Java serialization rather than raw. */
  static ArrayList<long[]> serializedTooLargeToKeep(long seed) {
    ArrayList<long[]> list = new ArrayList<>();
    list.add(tooLargeToKeep(seed));
    return list;
  }

  private static Path spillFileOf(Raylite ray, ObjectRef<?> ref) {
    Path file = ray.runtime().objectStore().spillDirectory().resolve(ref.id() + ".spill");
    assertTrue(Files.exists(file), "no spill file " + file);
    return file;
  }

  private static void overwrite(Path file, long position, byte[] bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(bytes), position);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /* ---------------- Spill directory lost ---------------- */

  @Test
  void deletedSpillDirectory_isCreatedAgain_andLaterObjectsSpillAndReadBack() throws IOException {
    try (Raylite ray = runtime()) {
      ObjectRef<long[]> before = ray.put(tooLargeToKeep(1));
      deleteTree(ray.runtime().objectStore().spillDirectory());
      List<ObjectRef<long[]>> after = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        after.add(ray.put(tooLargeToKeep(10 + i)));
      }
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(tooLargeToKeep(10 + i), ray.get(after.get(i)), "object " + i);
      }
      assertEquals(0, ray.objectStoreStats().objectsUnspillable());
      ObjectLostException lost = assertThrows(ObjectLostException.class, () -> ray.get(before));
      assertTrue(lost.getMessage().contains(before.id()), lost.getMessage());
    }
  }

  /* ---------------- Corrupt files ---------------- */

  @Test
  void flippedByteInARawSpillFile_getThrowsObjectLostNamingTheObjectAndTheFile() throws IOException {
    try (Raylite ray = runtime()) {
      ObjectRef<long[]> ref = ray.put(tooLargeToKeep(2));
      Path file = spillFileOf(ray, ref);
      overwrite(file, 1_000, new byte[] {(byte) ~Files.readAllBytes(file)[1_000]});
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(e.getMessage().contains(ref.id()), e.getMessage());
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
  }

  @Test
  void flippedByteInASerializedSpillFile_getThrowsObjectLost() throws IOException {
    try (Raylite ray = runtime()) {
      ObjectRef<ArrayList<long[]>> ref = ray.put(serializedTooLargeToKeep(3));
      Path file = spillFileOf(ray, ref);
      long at = Files.size(file) - 100;
      overwrite(file, at, new byte[] {(byte) ~Files.readAllBytes(file)[(int) at]});
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(e.getMessage().contains(ref.id()), e.getMessage());
    }
  }

  @Test
  void corruptLengthField_getThrowsObjectLost_notOutOfMemoryError() throws IOException {
    try (Raylite ray = runtime()) {
      ObjectRef<long[]> ref = ray.put(tooLargeToKeep(4));
      Path file = spillFileOf(ray, ref);
      overwrite(file, 1, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});  // the array length
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
  }

  @Test
  void truncatedSpillFile_getThrowsObjectLost() throws IOException {
    try (Raylite ray = runtime()) {
      ObjectRef<long[]> ref = ray.put(tooLargeToKeep(5));
      Path file = spillFileOf(ray, ref);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(channel.size() / 2);
      }
      assertThrows(ObjectLostException.class, () -> ray.get(ref));
    }
  }

  /** A planted file's payload: counts how often its readObject runs. */
  static final class Gadget implements Serializable {
    static final AtomicInteger READS = new AtomicInteger();
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READS.incrementAndGet();
    }
  }

  @Test
  void plantedSpillFile_isRefused_andItsReadObjectNeverRuns() throws IOException {
    try (Raylite ray = runtime()) {
      ObjectRef<ArrayList<long[]>> ref = ray.put(serializedTooLargeToKeep(6));
      Path file = spillFileOf(ray, ref);
      ByteArrayOutputStream planted = new ByteArrayOutputStream();
      new JavaSerializationCodec().encode(new Gadget(), planted);
      Files.write(file, planted.toByteArray());
      int readsBefore = Gadget.READS.get();
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(e.getMessage().contains(ref.id()), e.getMessage());
      assertEquals(readsBefore, Gadget.READS.get(), "the planted object's readObject ran");
    }
  }

  /* ---------------- Permissions ---------------- */

  @Test
  void worldWritableSpillDirectoryWithoutStickyBit_isRefusedAtTheBuilder() throws IOException {
    Path open = Files.createDirectory(spillParent.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Raylite.builder().spillDirectory(open));
    assertTrue(e.getMessage().contains("spillDirectory " + open), e.getMessage());
    assertTrue(e.getMessage().contains("sticky"), e.getMessage());
  }

  @Test
  void worldWritableSpillDirectoryWithStickyBit_isAccepted_andGetsAnOwnerOnlySubdirectory()
      throws IOException, InterruptedException {
    Path shared = Files.createDirectory(spillParent.resolve("shared"));
    Process chmod = new ProcessBuilder("chmod", "1777", shared.toString()).inheritIO().start();
    assertEquals(0, chmod.waitFor());
    try (Raylite ray = Raylite.builder().cpus(2).objectStoreMemory(MiB).spillDirectory(shared).build()) {
      ObjectRef<long[]> ref = ray.put(tooLargeToKeep(7));
      Path dir = ray.runtime().objectStore().spillDirectory();
      assertEquals(shared, dir.getParent());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      assertArrayEquals(tooLargeToKeep(7), ray.get(ref));
    }
  }

  @Test
  void spillFiles_areReadableAndWritableByTheirOwnerOnly() throws IOException {
    try (Raylite ray = runtime()) {
      ObjectRef<long[]> ref = ray.put(tooLargeToKeep(8));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spillFileOf(ray, ref))));
    }
  }

  @Test
  void unusableSpillDirectory_fullMessageSaysWritingTheFileFailed_notTheCodec() throws IOException {
    Path parent = Files.createDirectory(spillParent.resolve("gone"));
    try (Raylite ray = Raylite.builder().cpus(2).objectStoreMemory(MiB).spillDirectory(parent).build()) {
      Files.delete(parent);
      Files.writeString(parent, "a file where the spill directory should be");
      ObjectStoreFullException e = assertThrows(ObjectStoreFullException.class, () -> ray.put(tooLargeToKeep(9)));
      assertFalse(e.getMessage().contains("spill codec failed"), e.getMessage());
      assertTrue(e.getMessage().contains("spill directory " + parent), e.getMessage());
    }
  }

  /* ---------------- Rebuilding from lineage ---------------- */

  @Test
  void corruptSpilledTaskResult_isRebuiltByRunningItsTaskAgain() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    try (Raylite ray = runtime()) {
      ObjectRef<long[]> ref = ray.task(() -> {
        runs.incrementAndGet();
        return tooLargeToKeep(11);
      }).remote();
      ray.wait(List.of(ref));
      Path file = spillFileOf(ray, ref);
      overwrite(file, 1_000, new byte[] {(byte) ~Files.readAllBytes(file)[1_000]});
      assertArrayEquals(tooLargeToKeep(11), ray.get(ref));
      assertEquals(2, runs.get(), "the task ran once, then once more to rebuild its result");
      assertArrayEquals(tooLargeToKeep(11), ray.get(ref), "read again, from the rebuilt file");
      assertEquals(2, runs.get());
    }
  }

  @Test
  void corruptSpilledTaskResult_withNoRetryLeft_getThrowsObjectLost() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    try (Raylite ray = runtime()) {
      ObjectRef<long[]> ref = ray.task(() -> {
        runs.incrementAndGet();
        return tooLargeToKeep(12);
      }).maxRetries(0).remote();
      ray.wait(List.of(ref));
      Path file = spillFileOf(ray, ref);
      overwrite(file, 1_000, new byte[] {(byte) ~Files.readAllBytes(file)[1_000]});
      ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(ref));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertEquals(1, runs.get());
    }
  }
}
