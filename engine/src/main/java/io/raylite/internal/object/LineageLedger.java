package io.raylite.internal.object;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Implementation overview
 *
 * The bound on the lineage a runtime keeps (Raylite.Builder.maxLineageTasks and maxLineageBytes,
 * as Ray bounds it with max_lineage_bytes): every entry that keeps a Lineage is linked here, oldest
 * first, with the bytes of its task's argument values as the store sizes them. When a new one
 * passes either bound, the oldest are dropped until both hold again: their entries lose their
 * lineage and record why, so that a later loss is an ObjectLostException that says the object can
 * no longer be rebuilt, and why.
 *
 * Links: each Kept is a weak reference to its entry and a node of a doubly linked list. The entry
 * holds its Kept strongly (to unlink it on release or when a rebuild hands its lineage over); the
 * ledger holds only the Kept, so an entry nothing else reaches (a small value, which the store never
 * releases explicitly) is collected with its lineage, and its Kept, queued by the collector, is
 * unlinked at the next keep.
 *
 * Threads: every field below and each Kept's links are guarded by `lock`; keep, forget and limits
 * may be called from any thread and never block on anything else. Dropping writes the entry's
 * volatile lineage fields without the entry's monitor: a rebuild that already read the lineage
 * finishes with it (benign), one that reads it afterwards finds none and reports why.
 */
public final class LineageLedger {
  /** The default bound on the tasks whose lineage is kept. */
  public static final int DEFAULT_MAX_TASKS = 100_000;
  /** The default bound on the argument bytes of the lineage kept: Ray's max_lineage_bytes default, 1 GiB. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  private final ReentrantLock lock = new ReentrantLock();
  private final ReferenceQueue<ObjectEntry> collected = new ReferenceQueue<>();
  private Kept oldest;
  private Kept newest;
  private int count;
  private long bytes;
  private int maxTasks = DEFAULT_MAX_TASKS;
  private long maxBytes = DEFAULT_MAX_BYTES;

  /** One entry's lineage in the ledger. */
  static final class Kept extends WeakReference<ObjectEntry> {
    final long bytes;
    private Kept previous;
    private Kept next;
    private boolean linked;

    Kept(ObjectEntry entry, long bytes, ReferenceQueue<ObjectEntry> queue) {
      super(entry, queue);
      this.bytes = bytes;
    }
  }

  /** Sets the bounds and drops the oldest lineage beyond them. */
  public void limits(int tasks, long maxArgumentBytes) {
    lock.lock();
    try {
      maxTasks = tasks;
      maxBytes = maxArgumentBytes;
      dropBeyondBounds();
    } finally {
      lock.unlock();
    }
  }

  /** The tasks whose lineage is kept now (entries collected but not yet unlinked included). */
  public int size() {
    lock.lock();
    try {
      return count;
    } finally {
      lock.unlock();
    }
  }

  /** Links the entry's lineage as the newest, then drops the oldest beyond the bounds (possibly this one). */
  void keep(ObjectEntry entry, long argumentBytes) {
    Kept k = new Kept(entry, argumentBytes, collected);
    lock.lock();
    try {
      entry.kept = k;
      for (Object gone = collected.poll(); gone != null; gone = collected.poll()) {
        unlink((Kept) gone);
      }
      k.linked = true;
      k.previous = newest;
      if (newest != null) {
        newest.next = k;
      } else {
        oldest = k;
      }
      newest = k;
      count++;
      bytes += argumentBytes;
      dropBeyondBounds();
    } finally {
      lock.unlock();
    }
  }

  /** Unlinks a lineage that its entry no longer keeps (released, or handed to another entry). */
  void forget(Kept k) {
    if (k == null) {
      return;
    }
    lock.lock();
    try {
      unlink(k);
    } finally {
      lock.unlock();
    }
  }

  private void dropBeyondBounds() {
    while (oldest != null && (count > maxTasks || bytes > maxBytes)) {
      Kept k = oldest;
      unlink(k);
      ObjectEntry entry = k.get();
      if (entry != null) {
        entry.lineageDropped(k, "its lineage was dropped to keep the lineage within maxLineageTasks("
            + maxTasks + ") and maxLineageBytes(" + maxBytes + "), oldest first");
      }
    }
  }

  private void unlink(Kept k) {
    if (!k.linked) {
      return;
    }
    k.linked = false;
    if (k.previous != null) {
      k.previous.next = k.next;
    } else {
      oldest = k.next;
    }
    if (k.next != null) {
      k.next.previous = k.previous;
    } else {
      newest = k.previous;
    }
    k.previous = null;
    k.next = null;
    count--;
    bytes -= k.bytes;
  }
}
