package io.raylite.internal.object;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * What the runtime remembers, in memory, of a spill file it wrote: the file's length, the CRC32C
 * of its bytes and the class of the value in it. A file is read back only once it matches its
 * seal, so a byte flipped on disk, a truncated or replaced file, or a file planted by someone else
 * is never deserialized: it is reported as corrupt instead ({@link SpillCorruptException}).
 *
 * @param length the file's size in bytes
 * @param crc the CRC32C of the file's bytes
 * @param valueClass the class of the value written, which the value read back must have
 */
record SpillSeal(long length, int crc, Class<?> valueClass) {
  private static final int BUFFER = 1 << 16;

  /** A fresh checksum of the kind seals hold. */
  static Checksum newChecksum() {
    return new CRC32C();
  }

  /**
   * Checks that {@code file} is exactly what was written: its length first (without reading it),
   * then its checksum.
   *
   * @throws SpillCorruptException if it is missing, or its length or checksum differ
   */
  void verify(Path file) throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new SpillCorruptException("the file is gone", e);
    }
    if (size != length) {
      throw new SpillCorruptException("the file has " + size + " bytes, but " + length + " were written");
    }
    Checksum crc = newChecksum();
    byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, length))];
    long total = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, n);
        total += n;
      }
    } catch (NoSuchFileException e) {
      throw new SpillCorruptException("the file is gone", e);
    }
    if (total != length) {
      throw new SpillCorruptException("the file has " + total + " bytes, but " + length + " were written");
    }
    if ((int) crc.getValue() != this.crc) {
      throw new SpillCorruptException(String.format(
          "its CRC32C is %08x, but %08x was written: the file was changed after it was written",
          (int) crc.getValue(), this.crc));
    }
  }

  /** Checks that a value read back has the class of the value written. */
  void checkClass(Object value) throws SpillCorruptException {
    Class<?> read = value == null ? null : value.getClass();
    if (read != valueClass) {
      throw new SpillCorruptException("it holds a " + (read == null ? "null" : read.getName()) + ", but a "
          + valueClass.getName() + " was written");
    }
  }
}
