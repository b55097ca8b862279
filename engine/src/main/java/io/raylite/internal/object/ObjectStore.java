package io.raylite.internal.object;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.raylite.ObjectLostException;
import io.raylite.ObjectStoreFullException;
import io.raylite.ObjectStoreStats;
import io.raylite.RuntimeClosedException;
import io.raylite.spi.SpillCodec;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/*
 * Implementation overview
 *
 * The object store of one runtime: where the value of every ObjectEntry lives, bounded in memory
 * by `capacity` bytes, spilling to disk past it, and dropping values nobody can read any more.
 * Values are stored by reference, never copied.
 *
 * Kinds of value
 * --------------
 * By the size SizeEstimator gives (fixed per entry, so every path can tell):
 *   - Small (at most SMALL_MAX bytes, and null): kept in the entry's `held` field only: never in
 *     the cache, never spilled, not counted against the capacity nor in the statistics. Only its
 *     refs and pending tasks reach the entry, so the collector frees a small value with its last
 *     ref, and its refs need no phantom reference (see ObjectEntry.stored for a put, and
 *     ObjectEntry.adoptRef for a task result, whose ref waits in its entry until the result's size
 *     is known): the common put or result of a number or a short string costs an entry and a ref. A spill file per small object would
 *     cost more than it frees (the entry and ref take about as much heap), and if small values
 *     counted, a loop of small puts whose refs the collector has not yet found would fill a small
 *     store with garbage that nothing could spill. Ray does the same: small objects live in the
 *     owner's in-process store, outside plasma and its object_store_memory.
 *   - Unspillable (larger, and the codec declines it or fails to write it): Pinned in `held` for
 *     good, and listed in `unspillable`.
 *   - Too large (more than everything spillable could ever make room for, capacity minus the
 *     unspillable bytes): written straight to its spill file, never counted in memory.
 *   - The rest: in the Caffeine cache `cache` (key: the entry, weight: its size in 8-byte words).
 *     When evicted, the value waits in `held` until its spill file is written; the file is kept
 *     until the entry is released, so a value read back (a restore) and evicted again costs no
 *     second write. A restored value is a copy: identity survives only while a value stays in
 *     memory. Two readers that miss at once may both decode the file; putIfAbsent keeps one copy
 *     and hands it to both (benign: the other copy is garbage at once).
 * A value is always in at least one of `held`, the cache and its spill file, and every move adds the
 * new place before it clears the old one, so read(), which looks in that order, always finds it.
 *
 * Accounting and the capacity invariant
 * -------------------------------------
 * `bytesInMemory` counts every value other than a small one
 * that the store holds in memory (in the cache or in `held`), and every object being admitted.
 * The invariant is
 *     bytesInMemory <= capacity + the size of the one object being admitted,
 * and it holds at every instant, not only after Caffeine has caught up:
 *   - Caffeine applies writes to its policy in batches and evicts during maintenance, which with
 *     `executor(Runnable::run)` runs on whichever caller gets its eviction lock; its weighted size
 *     lags the map, and under concurrency a put returns before its own eviction has run. So it
 *     cannot be the guard: it chooses what to evict (W-TinyLFU), and our counter decides whether
 *     anything must be. Runnable::run keeps that maintenance off other threads (it measured about
 *     twice as fast as the default ForkJoinPool hand-off for a put-get-remove loop).
 *   - Fast path: an admission reserves its size with a CAS on bytesInMemory that succeeds only if
 *     the total stays <= capacity, then stores the value, holding the read side of `admission`
 *     from reservation to store. Caffeine's maximum is capacity - unspillableBytes (or more, for a
 *     moment, after a fast-path admission of an unspillable value), so such a put never makes
 *     Caffeine evict.
 *   - Slow path: an admission that does not fit takes the write side of `admission`, which waits
 *     out the admissions in flight, so under it the cache holds everything the counter says it
 *     does. It adds its size (the only moment the total may exceed capacity), stores the value,
 *     and makes room: sets Caffeine's maximum to capacity - unspillableBytes, runs cleanUp() (which
 *     evicts synchronously) and writes the evicted values out, until bytesInMemory <= capacity.
 *     Only one slow path runs at a time and fast paths fail their CAS while the total is over
 *     capacity, so at most one object is admitted beyond it.
 *   - Removals (evictions written out, releases) only lower the counter and need no lock. Each is
 *     counted once, by whoever claims the value: the thread whose computeIfPresent takes the
 *     mapping out of the cache (counting inside it, so the counter drops no later than Caffeine's
 *     weighted size), the eviction listener (for a value already on disk or already released), or
 *     the thread whose getAndSet/compareAndSet takes `held` from the value to null. Under the
 *     write side of `admission` the counter is therefore never more than what the cache, `held`
 *     and the unspillable set hold, which is what lets the slow path tell "nothing left to spill"
 *     from "not yet".
 *   - When nothing spillable is left and the total is still over capacity, the object being
 *     admitted is taken out again and put() fails with ObjectStoreFullException.
 *
 * Eviction
 * --------
 * Caffeine's eviction listener runs inside the atomic removal of the mapping, so it does
 * no I/O: it moves the value to `held` and queues the entry on `evicted`. Spill files are written
 * by admissions (under their side of `admission`) right after the cache operation that evicted,
 * outside Caffeine's locks. A value that is already on disk or already released is simply dropped.
 *
 * Collecting before spilling
 * --------------------------
 * Objects are released when the collector finds their refs
 * unreachable, and a program that puts large values and drops the refs allocates too little for
 * the collector to run often: the store would fill with dead objects and spill them, at disk speed
 * (a loop putting one 100 MiB array would write 100 MiB per put). So a slow path about to write at
 * least collectBeforeSpilling bytes first calls System.gc(), waits until the JVM's reference
 * handler has queued what that collection found (a sentinel phantom, made just before it, reaches
 * a queue of its own; at most SENTINEL_WAIT_NANOS, which only a starved handler or a disabled
 * System.gc() comes near), takes the dead refs off RefTracker's queue itself, and then waits, at
 * most COLLECT_WAIT_NANOS, for a release (a blocking wait on the release condition, not a poll).
 * Waiting for the sentinel, rather than a fixed time, keeps the heuristic working on a loaded
 * machine, where the handler may run late. If
 * something was released, the evicted values still live go back into the cache and eviction runs
 * again; if nothing was, the store spills and does not ask again for COLLECT_BACKOFF_NANOS. One
 * collection is cheaper than writing that much, and Ray does the same (its raylet triggers a
 * garbage collection in every worker when the object store is full); so does the JDK when direct
 * buffer memory runs out. With -XX:+DisableExplicitGC the request does nothing and the store
 * spills after the wait.
 *
 * Release
 * -------
 * An entry is released once (a CAS on `released`): when its last use goes (no reachable
 * ObjectRef, no pending task argument; see ObjectEntry and RefTracker), by Raylite.free, or when
 * its task is cancelled after the result was stored. Release claims the value from every place and
 * deletes the spill file. It takes no admission lock, so it never waits behind a spill; it holds
 * the read side of `releasing`, which only verifyAccounting takes exclusively. It may race with an
 * admission of the same entry (a task result freed while its task ran), a restore,
 * an eviction or a spill write; each of those re-checks `released` after it has put the value
 * somewhere and claims it back (a Dekker pair: each side writes its volatile, then reads the
 * other's), so whichever runs second cleans up. The spill file is deleted by whoever takes
 * `spillBytes` from n to 0.
 *
 * Verification and rebuilding
 * ---------------------------
 * SpillFiles checks every spill file against the length, CRC32C and class recorded when it was
 * written before decoding it (SpillSeal); a file that fails is an ObjectLostException caused by a
 * SpillCorruptException. For a task result that keeps a Lineage (task.TaskLineage),
 * ObjectEntry.valueOrThrow then re-runs the task and replaceLost stores the new value in place of
 * the lost file, admitted as a new object; readers arriving meanwhile find the entry with no value
 * but a lineage, and wait for the rebuild (ObjectEntry.rebuild) instead of failing.
 *
 * Threads
 * -------
 * Every method may be called from any thread. Fields of ObjectEntry that the store owns:
 * `size` (written before the entry is published to the cache, the queue or a reader), `held`,
 * `spillBytes` and `released` (volatile, changed by the CAS/getAndSet above). Codec calls and
 * Sized.sizeInBytes run on the caller's thread and must not call back into the runtime.
 */
public final class ObjectStore {
  /** The bound on the lineage the entries of this store keep; see LineageLedger. */
  public final LineageLedger lineages = new LineageLedger();
  /** Values of ObjectEntry.released. */
  static final int LIVE = 0;
  /** No ObjectRef to it is reachable and no pending task needs it. */
  static final int UNREACHABLE = 1;
  /** Freed with Raylite.free. */
  public static final int FREED = 2;
  /** Its task was cancelled after the result was stored, or it could not be stored. */
  static final int DISCARDED = 3;
  /** The runtime closed before the value was stored. */
  static final int CLOSED = 4;

  /** What `held` holds for a null value. */
  static final Object NULL_VALUE = new Object();
  /** Values of at most this many bytes are small: kept in their entry, never spilled. */
  static final long SMALL_MAX = 256;
  /** A slow path that would write at least this much (or a quarter of the capacity) collects first. */
  private static final long COLLECT_BEFORE_SPILLING = 64L << 20;
  /** How long a slow path waits for the collector to release something. */
  private static final long COLLECT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** How long a slow path waits for the reference handler to queue what its collection found. */
  private static final long SENTINEL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** After a collection that released nothing, how long before the store asks for another. */
  private static final long COLLECT_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final System.Logger LOG = System.getLogger("io.raylite");
  private static final VarHandle HELD;
  private static final VarHandle SPILL_BYTES;
  private static final VarHandle RELEASED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HELD = lookup.findVarHandle(ObjectEntry.class, "held", Object.class);
      SPILL_BYTES = lookup.findVarHandle(ObjectEntry.class, "spillBytes", long.class);
      RELEASED = lookup.findVarHandle(ObjectEntry.class, "released", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A value kept in memory for good because the codec cannot write it.
   *
   * @param failure why encode failed, or null when the codec declined the value up front
   */
  record Pinned(Object value, Throwable failure) {}

  private final String runtimeName;
  /** How refs of this store wait for their objects: through the runtime, which knows the running task. */
  private final Awaiter awaiter;
  private final StoreObserver observer;
  private final long capacity;
  private final SpillFiles files;
  private final Cache<ObjectEntry, Object> cache;
  private final Policy.Eviction<ObjectEntry, Object> eviction;
  /** Read side: an admission that fits, from reservation to put. Write side: making room, close. */
  private final StampedLock admission = new StampedLock();
  /** Read side: a release in progress. Write side: verifyAccounting, which needs a still view. */
  private final StampedLock releasing = new StampedLock();
  /** Entries evicted from the cache whose value waits in `held` for its spill file. */
  private final ConcurrentLinkedQueue<ObjectEntry> evicted = new ConcurrentLinkedQueue<>();
  /** Entries with a Pinned value, for the full message. */
  private final Set<ObjectEntry> unspillable = ConcurrentHashMap.newKeySet();

  private final AtomicLong bytesInMemory = new AtomicLong();
  private final AtomicLong peakBytes = new AtomicLong();
  private final AtomicLong unspillableBytes = new AtomicLong();
  private final LongAdder objectsInMemory = new LongAdder();
  private final LongAdder objectsSpilled = new LongAdder();
  private final LongAdder bytesSpilled = new LongAdder();
  private final LongAdder spills = new LongAdder();
  private final LongAdder restores = new LongAdder();
  private final AtomicLong releases = new AtomicLong();

  /** Signals awaitReleases; taken by release only while someone waits. */
  private final ReentrantLock releaseLock = new ReentrantLock();
  private final Condition released = releaseLock.newCondition();
  private volatile int releaseWaiters;
  private volatile boolean closed;
  /** The backend that writes this store's refs when they leave the JVM inside a value, or null. */
  private volatile io.raylite.spi.TaskBackend exporter;
  /** Spill writes of at least this many bytes collect first: min(64 MiB, capacity / 4). */
  private final long collectBeforeSpilling;
  /** When the store may next ask for a collection. Guarded by the write side of admission. */
  private long nextCollectNanos = System.nanoTime();

  public ObjectStore(String runtimeName, long capacity, Path spillParent, SpillCodec codec, Awaiter awaiter,
      StoreObserver observer) {
    this.observer = observer;
    this.runtimeName = runtimeName;
    this.awaiter = awaiter;
    this.capacity = capacity;
    this.files = new SpillFiles(spillParent, runtimeName, codec);
    this.cache = Caffeine.newBuilder()
        .executor(Runnable::run)
        .maximumWeight(capacity >>> 3)
        .weigher((ObjectEntry e, Object v) -> (int) (e.size >>> 3))
        .evictionListener((ObjectEntry e, Object v, RemovalCause cause) -> onEvicted(e, v))
        .build();
    this.eviction = cache.policy().eviction().orElseThrow();
    this.collectBeforeSpilling = Math.max(1, Math.min(COLLECT_BEFORE_SPILLING, capacity / 4));
  }

  /** The name of the runtime whose objects this store keeps, for errors. */
  String runtimeName() {
    return runtimeName;
  }

  /**
   * Lets the refs of this store leave the JVM inside values through {@code backend} (see
   * {@link io.raylite.spi.TaskBackend#exportRef}); set once, before any ref exists.
   */
  public void exportRefsThrough(io.raylite.spi.TaskBackend backend) {
    this.exporter = backend;
  }

  /** What a ref of this store is written as when it leaves the JVM inside a value. */
  Object exportRef(ObjectRefImpl<?> ref) throws java.io.NotSerializableException {
    io.raylite.spi.TaskBackend through = exporter;
    if (through == null) {
      throw new java.io.NotSerializableException("io.raylite.ObjectRef " + ref.id() + " of runtime '" + runtimeName
          + "': a ref of a local runtime cannot leave its JVM inside a value; refs made in a task on a cluster "
          + "node can");
    }
    return through.exportRef(ref);
  }

  /** How a ref of this store waits for its object. */
  Awaiter awaiter() {
    return awaiter;
  }

  /* ---------------- Admission ---------------- */

  /**
   * Stores the value of a new entry (a put or a task result), before the entry is ready.
   *
   * @throws ObjectStoreFullException if the value cannot be kept in memory nor spilled
   */
  void admit(ObjectEntry e, Object value) {
    if (value == null) {
      e.held = NULL_VALUE;
      return;
    }
    long size = SizeEstimator.sizeOf(value);
    e.size = size;
    if (closed) {
      RELEASED.setVolatile(e, CLOSED);
      return;
    }
    if (size <= SMALL_MAX) {
      keepSmall(e, value);
    } else if (!files.codec().canEncode(value)) {
      keep(e, new Pinned(value, null), size, false);
    } else if (size > capacity - unspillableBytes.get() || (size >>> 3) > Integer.MAX_VALUE) {
      spillDirectly(e, value, size);
    } else {
      keep(e, value, size, false);
    }
    if (size > SMALL_MAX) {
      observer.objectStored(e);  // the state API; see StoreObserver for a release meanwhile
      if (e.released != LIVE) {
        observer.objectReleased(e);
      }
    }
  }

  /** Keeps a small value in its entry, outside the capacity; see "Kinds of value" above. */
  private void keepSmall(ObjectEntry e, Object value) {
    e.held = value;
    if (e.released != LIVE) {
      dropValue(e);  // released while being stored: see "Release" above
    }
  }

  /** Writes a value too large to ever fit straight to disk; one the codec fails on is kept instead. */
  private void spillDirectly(ObjectEntry e, Object value, long size) {
    long written;
    try {
      written = files.write(e, value);
    } catch (IOException | RuntimeException failure) {
      logUnspillable(e, value, failure);
      keep(e, new Pinned(value, failure), size, false);
      return;
    }
    long stamp = admission.readLock();
    try {
      publishSpill(e, written);
      if (e.released != LIVE) {
        dropValue(e);  // released while being written: see "Release" above
      }
    } finally {
      admission.unlockRead(stamp);
    }
  }

  /**
   * Puts {@code stored} (a value for the cache, or a Pinned one for `held`) in memory, making room
   * if needed. For a restore, a copy another reader restored first wins and is returned; a restored
   * value that cannot be kept is returned without being kept.
   *
   * @return the value now stored for the entry
   */
  private Object keep(ObjectEntry e, Object stored, long size, boolean restoring) {
    Object kept = null;
    long stamp = admission.readLock();
    try {
      if (closed) {
        kept = stored;
      } else if (tryReserve(size)) {
        kept = place(e, stored, size, restoring);
        writeEvicted();
        if (e.released != LIVE) {
          dropValue(e);  // released while being stored: see "Release" above
        }
      }
    } finally {
      admission.unlockRead(stamp);
    }
    if (kept == null) {
      kept = keepOverCapacity(e, stored, size, restoring);
    }
    return kept instanceof Pinned p ? p.value() : kept;
  }

  private Object keepOverCapacity(ObjectEntry e, Object stored, long size, boolean restoring) {
    long stamp = admission.writeLock();
    try {
      if (closed) {
        return stored;
      }
      notePeak(bytesInMemory.addAndGet(size));
      Object kept = place(e, stored, size, restoring);
      if (kept != stored || makeRoom()) {
        if (e.released != LIVE) {
          dropValue(e);  // released while being stored: see "Release" above
        }
        return kept;
      }
      if (restoring) {
        removeFromCache(e);  // the copy goes; its spill file stays, and the reader gets the value
        return stored;
      }
      Object held = e.held;  // Pinned, with the codec's failure, if a spill of it was tried
      dropValue(e);
      RELEASED.setVolatile(e, DISCARDED);
      throw full(e, held instanceof Pinned ? held : stored, size);
    } finally {
      admission.unlockWrite(stamp);
    }
  }

  /** Puts a reserved value in its place; returns what is stored (another restorer's copy, if first). */
  private Object place(ObjectEntry e, Object stored, long size, boolean restoring) {
    if (stored instanceof Pinned) {
      unspillable.add(e);
      unspillableBytes.addAndGet(size);
      e.held = stored;
    } else if (restoring) {
      Object prior = cache.asMap().putIfAbsent(e, stored);
      if (prior != null) {
        bytesInMemory.addAndGet(-size);
        return prior;
      }
    } else {
      cache.put(e, stored);
    }
    objectsInMemory.increment();
    return stored;
  }

  /**
   * Sets Caffeine's maximum to what cached values may weigh: the capacity less the unspillable
   * bytes. Serialized, so that the last caller's view of unspillableBytes is the one that stays.
   * Caffeine evicts down to a lowered maximum before setMaximum returns.
   */
  private void syncMaximum() {
    synchronized (eviction) {
      long words = Math.max(0, capacity - unspillableBytes.get()) >>> 3;
      if (eviction.getMaximum() != words) {
        eviction.setMaximum(words);
      }
    }
  }

  /** Reserves {@code size} bytes if they fit under the capacity. */
  private boolean tryReserve(long size) {
    for (;;) {
      long used = bytesInMemory.get();
      long total = used + size;
      if (total > capacity) {
        return false;
      }
      if (bytesInMemory.compareAndSet(used, total)) {
        notePeak(total);
        return true;
      }
    }
  }

  private void notePeak(long total) {
    long peak;
    while (total > (peak = peakBytes.get()) && !peakBytes.compareAndSet(peak, total)) {
      // another admission raised the peak meanwhile: compare again
    }
  }

  /**
   * Under the write side of `admission`: evicts and spills until the store is within capacity.
   *
   * @return false if it is still over capacity with nothing left that can be spilled
   */
  private boolean makeRoom() {
    boolean collected = false;
    for (;;) {
      long before = bytesInMemory.get();
      long pinnedBefore = unspillableBytes.get();
      syncMaximum();
      cache.cleanUp();
      if (!collected && pendingSpillBytes() >= collectBeforeSpilling) {
        collected = true;
        if (collectDeadRefs()) {
          keepEvictedInMemory();  // dead objects are gone: the live ones evicted may fit again
          continue;
        }
      }
      writeEvicted();
      if (bytesInMemory.get() <= capacity) {
        return true;
      }
      // A release may be between marking its entry and claiming the value: claim it here.
      for (ObjectEntry e : unspillable) {
        if (e.released != LIVE) {
          dropValue(e);
        }
      }
      long after = bytesInMemory.get();
      if (after <= capacity) {
        return true;
      }
      if (after == before && unspillableBytes.get() == pinnedBefore) {
        return false;  // nothing left that eviction or spilling can move out of memory
      }
    }
  }

  /* ---------------- Collecting before spilling ---------------- */

  /** The bytes of evicted values waiting to be written. */
  private long pendingSpillBytes() {
    long bytes = 0;
    for (ObjectEntry e : evicted) {
      Object held = e.held;
      if (held != null && !(held instanceof Pinned)) {
        bytes += e.size;
      }
    }
    return bytes;
  }

  /**
   * Under the write side of `admission`: asks the collector for a collection and waits (at most
   * COLLECT_WAIT_NANOS) until it releases some object; see "Collecting before spilling" above.
   *
   * @return whether an object was released
   */
  private boolean collectDeadRefs() {
    long now = System.nanoTime();
    if (now - nextCollectNanos < 0) {
      return false;  // the last collection released nothing: back off
    }
    long before = releases.get();
    java.lang.ref.ReferenceQueue<Object> handled = new java.lang.ref.ReferenceQueue<>();
    java.lang.ref.PhantomReference<Object> sentinel = new java.lang.ref.PhantomReference<>(new Object(), handled);
    System.gc();
    boolean released;
    try {
      handled.remove(TimeUnit.NANOSECONDS.toMillis(SENTINEL_WAIT_NANOS));
      RefTracker.reapQueued();  // what the handler queued so far, on this thread
      released = awaitReleases(before + 1, COLLECT_WAIT_NANOS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();  // the caller's wait ends here; it spills instead
      released = releases.get() > before;
    }
    java.lang.ref.Reference.reachabilityFence(sentinel);
    RefTracker.reapQueued();
    nextCollectNanos = released ? now : System.nanoTime() + COLLECT_BACKOFF_NANOS;
    return released;
  }

  /** Under the write side of `admission`: puts evicted values not yet written back into the cache. */
  private void keepEvictedInMemory() {
    // A snapshot first: putting values back may evict again, and those wait for the next round.
    List<ObjectEntry> waiting = new ArrayList<>();
    for (ObjectEntry e; (e = evicted.poll()) != null; ) {
      waiting.add(e);
    }
    for (ObjectEntry e : waiting) {
      Object value = e.held;
      if (value == null || value instanceof Pinned) {
        continue;
      }
      if (HELD.compareAndSet(e, value, null)) {
        if (e.released != LIVE) {
          unaccount(e);  // released meanwhile: drop it instead
        } else {
          cache.put(e, value);  // still counted in bytesInMemory: it never left memory
          if (e.released != LIVE) {
            dropValue(e);  // released while being put back: see "Release" above
          }
        }
      }
    }
  }

  /* ---------------- Eviction and spilling ---------------- */

  /** Caffeine's eviction listener; runs inside the atomic removal of the mapping, so no I/O here. */
  private void onEvicted(ObjectEntry e, Object value) {
    if (e.released != LIVE || e.spillBytes > 0) {
      unaccount(e);  // released, or a restored copy of what is on disk: nothing to write
      return;
    }
    e.held = value;
    evicted.add(e);
  }

  /** Writes the spill files of evicted entries; a value the codec fails on is kept in memory. */
  private void writeEvicted() {
    for (ObjectEntry e; (e = evicted.poll()) != null; ) {
      Object value = e.held;
      if (value == null || value instanceof Pinned) {
        continue;  // released, and its release claimed the value
      }
      if (e.released != LIVE) {
        if (HELD.compareAndSet(e, value, null)) {
          unaccount(e);  // released, and its release has not claimed the value yet: claim it here
        }
        continue;
      }
      long written;
      try {
        written = files.write(e, value);
      } catch (IOException | RuntimeException failure) {
        logUnspillable(e, value, failure);
        pin(e, value, failure);
        continue;
      }
      publishSpill(e, written);
      if (HELD.compareAndSet(e, value, null)) {
        unaccount(e);
      } else {
        dropSpillFile(e);  // released while being written; its release counted the value
      }
    }
  }

  private void pin(ObjectEntry e, Object value, Throwable failure) {
    unspillable.add(e);
    unspillableBytes.addAndGet(e.size);
    if (!HELD.compareAndSet(e, value, new Pinned(value, failure))) {
      unspillable.remove(e);  // released meanwhile, and its release counted the value
      unspillableBytes.addAndGet(-e.size);
    }
  }

  private void publishSpill(ObjectEntry e, long written) {
    SPILL_BYTES.setVolatile(e, written);
    objectsSpilled.increment();
    bytesSpilled.add(written);
    spills.increment();
  }

  private void logUnspillable(ObjectEntry e, Object value, Throwable failure) {
    LOG.log(System.Logger.Level.WARNING, "{0}: object {1} ({2}) cannot be spilled and stays in memory: {3}",
        runtimeName, e.idString(), value.getClass().getName(), failure.toString());
  }

  /* ---------------- Reading ---------------- */

  /** The value of a ready entry that did not fail. */
  Object read(ObjectEntry e) {
    if (e.held == null) {
      Object value = cache.getIfPresent(e);
      if (value != null) {
        return value;
      }
    }
    return readElsewhere(e);
  }

  private Object readElsewhere(ObjectEntry e) {
    Object held = e.held;
    if (held != null) {
      return held == NULL_VALUE ? null : held instanceof Pinned p ? p.value() : held;
    }
    Object value = cache.getIfPresent(e);
    if (value != null) {
      return value;  // restored by another reader meanwhile
    }
    int why = e.released;
    if (why != LIVE) {
      throw lost(e, why);
    }
    if (e.spillBytes > 0) {
      return restore(e);
    }
    if (closed) {
      throw new RuntimeClosedException("runtime '" + runtimeName + "' is closed");
    }
    if (e.lineage != null) {
      // Between the lost file's removal and the rebuilt value's admission (replaceLost): the
      // reader goes to ObjectEntry.rebuild, which waits for the rebuild and reads its value.
      throw new ObjectLostException("object " + e.idString() + " is being rebuilt",
          new SpillCorruptException("its spill file was lost, and its task runs again"));
    }
    throw new IllegalStateException("object " + e.idString() + " is ready but has no value in the store");
  }

  private Object restore(ObjectEntry e) {
    Object value;
    try {
      value = files.read(e);
    } catch (IOException | RuntimeException failure) {
      if (e.released != LIVE) {
        throw lost(e, e.released);
      }
      if (closed) {
        throw new RuntimeClosedException("runtime '" + runtimeName + "' is closed");
      }
      if (failure instanceof SpillCorruptException) {
        throw new ObjectLostException("object " + e.idString() + " is lost: its spill file " + files.describe(e)
            + " is corrupt: " + failure.getMessage(), failure);
      }
      throw new ObjectLostException("object " + e.idString() + " could not be read back from its spill file "
          + files.describe(e) + ": " + failure, failure);
    }
    restores.increment();
    if (e.size > capacity - unspillableBytes.get()) {
      return value;  // too large to keep in memory: every read comes from disk
    }
    return keep(e, value, e.size, true);
  }

  private ObjectLostException lost(ObjectEntry e, int why) {
    return new ObjectLostException(switch (why) {
      case FREED -> "object " + e.idString() + " was freed with Raylite.free";
      case CLOSED -> "object " + e.idString() + " was not stored because runtime '" + runtimeName + "' closed";
      case DISCARDED -> "object " + e.idString() + " was discarded: its task was cancelled or it could not be stored";
      default -> "object " + e.idString() + " was released: no ObjectRef to it was reachable";
    });
  }

  /* ---------------- Release ---------------- */

  /** Whether a value of this size is small: kept in its entry only, see "Kinds of value" above. */
  static boolean isSmall(long size) {
    return size <= SMALL_MAX;
  }

  /**
   * Releases the entry's value from memory and disk, once.
   *
   * @param why UNREACHABLE, FREED or DISCARDED
   * @return whether this call released it
   */
  public boolean release(ObjectEntry e, int why) {
    if (!RELEASED.compareAndSet(e, LIVE, why)) {
      return false;
    }
    e.clearLineage();  // nothing will read it again, so nothing will rebuild it
    observer.objectReleased(e);  // the state API
    long stamp = releasing.readLock();  // not `admission`: a release never waits for a spill to finish
    try {
      dropValue(e);
    } finally {
      releasing.unlockRead(stamp);
    }
    if (why != DISCARDED && !isSmall(e.size)) {
      releases.incrementAndGet();
      if (releaseWaiters > 0) {
        releaseLock.lock();
        try {
          released.signalAll();
        } finally {
          releaseLock.unlock();
        }
      }
    }
    return true;
  }

  /**
   * Stores {@code value}, rebuilt from its task, for an entry whose spill file was found lost:
   * deletes the old file and admits the value as for a new object. A release meanwhile wins.
   */
  void replaceLost(ObjectEntry e, Object value) {
    dropValue(e);  // the lost spill file, or the stored handle of a value lost with its node
    if (e.released == LIVE) {
      admit(e, value);
    }
  }

  /** Claims the value from every place it may be, counting each claim once. */
  private void dropValue(ObjectEntry e) {
    if (e.size <= SMALL_MAX) {
      e.held = null;
      return;  // a small value is never counted, in the cache, nor on disk
    }
    // The cache first: an eviction racing this removal has moved the value to `held` by the time
    // the removal returns (both run under the mapping's lock), so the claim below sees it.
    removeFromCache(e);
    Object held = HELD.getAndSet(e, null);
    if (held instanceof Pinned) {
      unspillable.remove(e);
      unspillableBytes.addAndGet(-e.size);
      unaccount(e);
      syncMaximum();  // give the room back, so the cache does not evict early
    } else if (held != null) {
      unaccount(e);  // evicted, its spill file not yet written
    }
    dropSpillFile(e);
  }

  /**
   * Takes the entry's value out of the cache, if there, counting it inside the removal: the
   * counter drops before Caffeine's weighted size does, so it never lags what the cache holds and
   * a slow path never waits on an eviction that cannot come.
   */
  private void removeFromCache(ObjectEntry e) {
    cache.asMap().computeIfPresent(e, (key, value) -> {
      unaccount(key);
      return null;
    });
  }

  private void dropSpillFile(ObjectEntry e) {
    long written = (long) SPILL_BYTES.getAndSet(e, 0L);
    if (written > 0) {
      objectsSpilled.decrement();
      bytesSpilled.add(-written);
      try {
        files.delete(e);
      } catch (IOException failure) {
        LOG.log(System.Logger.Level.WARNING, "{0}: cannot delete the spill file of object {1}: {2}",
            runtimeName, e.idString(), failure.toString());
      }
    }
  }

  private void unaccount(ObjectEntry e) {
    bytesInMemory.addAndGet(-e.size);
    objectsInMemory.decrement();
  }

  /**
   * Waits until at least {@code total} objects have been released since the runtime started, for
   * tests and tools that watch the garbage collector release objects.
   *
   * @return whether that many were released within the timeout
   */
  public boolean awaitReleases(long total, long timeoutNanos) throws InterruptedException {
    releaseLock.lock();
    try {
      releaseWaiters++;
      long left = timeoutNanos;
      while (releases.get() < total) {
        if (left <= 0) {
          return false;
        }
        left = released.awaitNanos(left);
      }
      return true;
    } finally {
      releaseWaiters--;
      releaseLock.unlock();
    }
  }

  /* ---------------- Statistics and checks ---------------- */

  public ObjectStoreStats stats() {
    return new ObjectStoreStats(capacity, objectsInMemory.sum(), bytesInMemory.get(), peakBytes.get(),
        unspillable.size(), unspillableBytes.get(), objectsSpilled.sum(), bytesSpilled.sum(),
        spills.sum(), restores.sum(), releases.get());
  }

  /** Whether the entry's value is in memory now (in the cache or held), for the state API. */
  public boolean inMemory(ObjectEntry e) {
    return e.held != null || cache.asMap().containsKey(e);
  }

  /** Whether the entry's value has a spill file now, for the state API. */
  public static boolean spilled(ObjectEntry e) {
    return e.spillBytes > 0;
  }

  /** The runtime's spill directory, or null while nothing has been spilled. */
  public Path spillDirectory() {
    return files.directoryIfCreated();
  }

  /**
   * Checks that the counters agree with what the cache, the held values and the unspillable set
   * contain, and that the store is within capacity; for tests. Waits for admissions in flight.
   *
   * @throws IllegalStateException describing the first disagreement
   */
  public void verifyAccounting() {
    long stamp = admission.writeLock();
    long quiet = releasing.writeLock();
    try {
      cache.cleanUp();
      long bytes = eviction.weightedSize().orElseThrow() << 3;
      long objects = cache.estimatedSize();
      long pinned = 0;
      for (ObjectEntry e : unspillable) {
        pinned += e.size;
      }
      bytes += pinned;
      objects += unspillable.size();
      for (ObjectEntry e : evicted) {
        if (e.held != null && !(e.held instanceof Pinned)) {
          bytes += e.size;
          objects++;
        }
      }
      String problem = null;
      if (bytes != bytesInMemory.get()) {
        problem = "bytesInMemory is " + bytesInMemory.get() + " but the store holds " + bytes;
      } else if (objects != objectsInMemory.sum()) {
        problem = "objectsInMemory is " + objectsInMemory.sum() + " but the store holds " + objects;
      } else if (pinned != unspillableBytes.get()) {
        problem = "unspillableBytes is " + unspillableBytes.get() + " but the unspillable objects weigh " + pinned;
      } else if (bytes > capacity) {
        problem = bytes + " bytes in memory exceed the capacity of " + capacity;
      }
      if (problem != null) {
        throw new IllegalStateException("object store accounting: " + problem);
      }
    } finally {
      releasing.unlockWrite(quiet);
      admission.unlockWrite(stamp);
    }
  }

  private ObjectStoreFullException full(ObjectEntry e, Object stored, long size) {
    return new ObjectStoreFullException(StoreFullMessage.of(runtimeName, e, stored, size, capacity,
        bytesInMemory.get(), objectsInMemory.sum(), unspillable, unspillableBytes.get(), files.codec()));
  }

  /* ---------------- Lifecycle ---------------- */

  /** Drops every value and deletes the spill directory. Idempotent. */
  public void close() {
    long stamp = admission.writeLock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      cache.invalidateAll();
      cache.cleanUp();
      for (ObjectEntry e; (e = evicted.poll()) != null; ) {
        e.held = null;
      }
      for (ObjectEntry e : unspillable) {
        e.held = null;
      }
      unspillable.clear();
    } finally {
      admission.unlockWrite(stamp);
    }
    try {
      files.close();
    } catch (IOException failure) {
      LOG.log(System.Logger.Level.WARNING, "{0}: cannot delete the spill directory {1}: {2}",
          runtimeName, files.directoryIfCreated(), failure.toString());
    }
  }
}
