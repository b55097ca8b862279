package io.raylite.internal.object;

import io.raylite.spi.JavaSerializationCodec;
import io.raylite.spi.SpillCodec;
import java.util.Iterator;
import java.util.Set;

/**
 * The message of an {@link io.raylite.ObjectStoreFullException}: which object could not be kept
 * and why, how much of the capacity is in use by how many objects, and which of them cannot be
 * spilled and why, so that the reader knows what to free, resize or make serializable.
 */
final class StoreFullMessage {
  /** How many unspillable objects the message names. */
  private static final int NAMED = 8;

  private StoreFullMessage() {}

  /**
   * @param stored the value that could not be kept, or its {@link ObjectStore.Pinned} wrapper
   * @param unspillable the entries whose value cannot be spilled (read while others may change it)
   */
  static String of(String runtimeName, ObjectEntry entry, Object stored, long size, long capacity,
      long bytesInMemory, long objectsInMemory, Set<ObjectEntry> unspillable, long unspillableBytes,
      SpillCodec codec) {
    Object value = stored instanceof ObjectStore.Pinned p ? p.value() : stored;
    StringBuilder m = new StringBuilder()
        .append("object store of runtime '").append(runtimeName).append("' is full: cannot keep object ")
        .append(entry.idString()).append(" (").append(value.getClass().getName()).append(", ").append(bytes(size))
        .append(") in memory, and it cannot be spilled: ").append(reason(stored, codec)).append(". ")
        .append(bytes(bytesInMemory)).append(" of the ").append(bytes(capacity))
        .append(" capacity are in use by ").append(objectsInMemory).append(" objects, of which ")
        .append(unspillable.size()).append(" (").append(bytes(unspillableBytes)).append(") cannot be spilled");
    int named = 0;
    for (Iterator<ObjectEntry> it = unspillable.iterator(); it.hasNext() && named < NAMED; ) {
      ObjectEntry other = it.next();
      if (other.held instanceof ObjectStore.Pinned p) {  // racy read: it may be released meanwhile
        m.append(named == 0 ? ": " : "; ").append(other.idString()).append(" (")
            .append(p.value().getClass().getName()).append(", ").append(bytes(other.size)).append("): ")
            .append(reason(p, codec));
        named++;
      }
    }
    if (unspillable.size() > named) {
      m.append("; and ").append(unspillable.size() - named).append(" more");
    }
    return m.append(". Raise objectStoreMemory, free objects no longer needed, or make them writable by the"
        + " spill codec (Serializable, for the default codec)").toString();
  }

  private static String reason(Object stored, SpillCodec codec) {
    if (stored instanceof ObjectStore.Pinned p && p.failure() instanceof SpillStorageException storage) {
      return "writing its spill file failed: " + storage.getMessage();
    }
    if (stored instanceof ObjectStore.Pinned p && p.failure() != null) {
      return "the spill codec failed: " + p.failure();
    }
    Object value = stored instanceof ObjectStore.Pinned p ? p.value() : stored;
    if (codec.canEncode(value)) {
      return "the objects that cannot be spilled leave no room for it";
    }
    return "the spill codec (" + codec + ") cannot write it"
        + (codec instanceof JavaSerializationCodec ? ": it is not Serializable" : "");
  }

  /** {@code n} bytes, with a readable unit when large: "3145728 bytes (3.0 MiB)". */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return n + " bytes (" + String.format("%.1f %s", v, units[u]) + ")";
  }
}
