package io.raylite.internal.resource;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/*
 * Implementation overview
 *
 * The lock-free wait queue of one CPU-only shape, for the Scheduler's fast path: tasks of the
 * shape that found too little CPU free, in the order they were queued. Any thread offers and
 * polls; an entry whose task was claimed inline or cancelled since is skipped by the Scheduler
 * when polled (lazy removal, as in the lock path's queues).
 *
 * Layout: a linked list of chunks of CHUNK slots, each slot written once and taken once, so that
 * an offer allocates nothing but, once per CHUNK offers, a new chunk (a few bytes per task,
 * where a ConcurrentLinkedQueue allocates a node per offer). A chunk is never reused, so there is
 * no ABA: an index names one slot for the chunk's whole life.
 *
 * Offer: getAndAdd on the tail chunk's `tail` claims a slot index; an index past the chunk's end
 * means the chunk is full, and the offerer links (CAS on `next`) or follows the next chunk,
 * advances `tailChunk` (CAS, helped by anyone) and tries again. It then publishes the task into
 * its slot with a release store.
 *
 * Poll: reads the head chunk's `head` index and that slot (acquire). Null: nothing is there yet,
 * so the queue reads as empty, even if a slower offerer claimed this slot and a faster one has
 * published a later one; the slower one drains after publishing (every offer is followed by a
 * drain of its own thread, see the Scheduler's overview), so that reading empty loses no wake-up,
 * and FIFO order follows the claimed indexes. A task: a CAS of `head` from its index to the next
 * takes it, and the slot is overwritten with TAKEN so the chunk holds no finished task. TAKEN: a
 * racing poller took it after this one read `head`; read again. A chunk whose `head` reached its
 * end is done: the poller moves `headChunk` to its `next` (CAS, helped by anyone), or reads empty
 * if there is none yet.
 *
 * isEmpty reads exactly as poll would, without taking, so a drain that sees it non-empty and then
 * polls null (another drain took the task) gives its CPU back and looks again, and one that sees
 * it empty stops: both agree on in-flight offers.
 */
final class CpuFifo<T> implements Iterable<T> {
  /** Slots per chunk: one chunk's allocation spread over this many offers. */
  static final int CHUNK = 256;
  /** What a taken slot holds, so that a chunk keeps no finished task reachable. */
  private static final Object TAKEN = new Object();

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle NEXT;
  private static final VarHandle HEAD_CHUNK;
  private static final VarHandle TAIL_CHUNK;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(Chunk.class, "head", int.class);
      TAIL = lookup.findVarHandle(Chunk.class, "tail", int.class);
      NEXT = lookup.findVarHandle(Chunk.class, "next", Chunk.class);
      HEAD_CHUNK = lookup.findVarHandle(CpuFifo.class, "headChunk", Chunk.class);
      TAIL_CHUNK = lookup.findVarHandle(CpuFifo.class, "tailChunk", Chunk.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final class Chunk {
    final Object[] slots = new Object[CHUNK];
    /** The next slot to poll; only grows, by CAS, up to CHUNK. */
    volatile int head;
    /** The next slot to claim; only grows, by getAndAdd, and may pass CHUNK (then the chunk is full). */
    volatile int tail;
    /** The chunk after this one, linked once by CAS. */
    volatile Chunk next;
  }

  /** The canonical shape. */
  final ResourceShape shape;
  /** CPU units each task of the shape takes. */
  final long cpu;

  /** The chunk polls read from; moves forward by CAS. */
  private volatile Chunk headChunk;
  /** The chunk offers claim slots in; moves forward by CAS. */
  private volatile Chunk tailChunk;

  CpuFifo(ResourceShape shape) {
    this.shape = shape;
    this.cpu = shape.cpu();
    Chunk first = new Chunk();
    this.headChunk = first;
    this.tailChunk = first;
  }

  /** Adds {@code task} at the tail. */
  void offer(T task) {
    for (;;) {
      Chunk c = tailChunk;
      int i = (int) TAIL.getAndAdd(c, 1);
      if (i < CHUNK) {
        SLOT.setRelease(c.slots, i, task);
        return;
      }
      TAIL_CHUNK.compareAndSet(this, c, nextOf(c, true));
    }
  }

  /** The chunk after {@code c}, linked now if {@code create} and there is none yet; else null. */
  private static Chunk nextOf(Chunk c, boolean create) {
    Chunk n = c.next;
    if (n == null && create) {
      Chunk fresh = new Chunk();
      n = NEXT.compareAndSet(c, null, fresh) ? fresh : c.next;
    }
    return n;
  }

  /** Takes the head task, or returns null when none is published there (see the overview). */
  @SuppressWarnings("unchecked")
  T poll() {
    for (;;) {
      Chunk c = headChunk;
      int h = c.head;
      if (h >= CHUNK) {
        Chunk n = nextOf(c, false);
        if (n == null) {
          return null;
        }
        HEAD_CHUNK.compareAndSet(this, c, n);
        continue;
      }
      Object e = SLOT.getAcquire(c.slots, h);
      if (e == null) {
        return null;
      }
      if (e != TAKEN && HEAD.compareAndSet(c, h, h + 1)) {
        SLOT.setRelease(c.slots, h, TAKEN);
        return (T) e;
      }
      // Taken by a racing poller since `head` was read: read again.
    }
  }

  /** Whether {@link #poll} would find nothing now. */
  boolean isEmpty() {
    for (;;) {
      Chunk c = headChunk;
      int h = c.head;
      if (h >= CHUNK) {
        Chunk n = nextOf(c, false);
        if (n == null) {
          return true;
        }
        HEAD_CHUNK.compareAndSet(this, c, n);
        continue;
      }
      Object e = SLOT.getAcquire(c.slots, h);
      if (e != TAKEN) {
        return e == null;
      }
    }
  }

  /**
   * The tasks queued now, head first; weakly consistent (a task taken or offered meanwhile may be
   * in it or not), for diagnosis only.
   */
  @Override
  @SuppressWarnings("unchecked")
  public Iterator<T> iterator() {
    List<T> snapshot = new ArrayList<>();
    for (Chunk c = headChunk; c != null; c = c.next) {
      int end = Math.min(c.tail, CHUNK);
      for (int i = c.head; i < end; i++) {
        Object e = SLOT.getAcquire(c.slots, i);
        if (e != null && e != TAKEN) {
          snapshot.add((T) e);
        }
      }
    }
    return snapshot.iterator();
  }
}
