package io.raylite.internal.object;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;

/*
 * Implementation overview
 *
 * Finds ObjectRefImpls that are no longer reachable and drops the use each holds on its entry, so
 * the object store can release objects nobody can read (see ObjectEntry).
 *
 * Each ref of a value the store must release (not a small one: see ObjectEntry.adoptRef) gets a
 * Phantom: a PhantomReference to the ref that knows the entry. The collector queues
 * the phantom on QUEUE once the ref is unreachable; whoever takes it off the queue drops the use.
 * This is what java.lang.ref.Cleaner does, with one difference that matters here: a Cleaner has a
 * single thread, and a program that puts objects and drops their refs in a loop creates refs
 * faster than that thread can process them (measured: under half a million per second on two
 * cores), so released objects pile up in the store and force needless spills. Here every thread
 * that creates a ref also takes up to REAP_PER_REF phantoms off the queue, so cleanup keeps pace
 * with whoever makes the garbage, as in WeakHashMap's expunge-on-write; the daemon thread REAPER
 * blocks on the queue and handles phantoms while no refs are being created.
 *
 * A phantom is only queued if it is itself still reachable when its referent dies, so every live
 * phantom is linked into one of STRIPES doubly linked lists, guarded by the stripe's monitor, and
 * unlinked when it is taken off the queue. Stripes are chosen by entry id, so threads creating refs
 * rarely contend.
 *
 * One queue and one reaper serve every runtime in the JVM; a phantom's entry knows its runtime.
 */
final class RefTracker {
  private static final System.Logger LOG = System.getLogger("io.raylite");
  /** Phantoms a thread handles each time it creates a ref; more than one, so a backlog shrinks. */
  private static final int REAP_PER_REF = 4;
  private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
  private static final Stripe[] STRIPES;

  static {
    int n = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors()) * 2);
    STRIPES = new Stripe[n];
    for (int i = 0; i < n; i++) {
      STRIPES[i] = new Stripe();
    }
    Thread.ofPlatform().daemon().name("raylite-ref-reaper").start(RefTracker::reapForever);
  }

  private RefTracker() {}

  /** A list of live phantoms; its monitor guards the links of the phantoms in it. */
  private static final class Stripe {
    Phantom head;
  }

  private static final class Phantom extends PhantomReference<Object> {
    final ObjectEntry entry;
    final Stripe stripe;
    Phantom prev;
    Phantom next;

    Phantom(Object ref, ObjectEntry entry, Stripe stripe) {
      super(ref, QUEUE);
      this.entry = entry;
      this.stripe = stripe;
    }
  }

  /** Tracks {@code ref}, which holds a use of {@code entry}; then reaps a few dead refs. */
  static void track(Object ref, ObjectEntry entry) {
    Stripe stripe = STRIPES[(int) entry.id & (STRIPES.length - 1)];
    Phantom p = new Phantom(ref, entry, stripe);
    synchronized (stripe) {
      Phantom head = stripe.head;
      p.next = head;
      if (head != null) {
        head.prev = p;
      }
      stripe.head = p;
    }
    for (int i = 0; i < REAP_PER_REF; i++) {
      Phantom dead = (Phantom) QUEUE.poll();
      if (dead == null) {
        break;
      }
      reap(dead);
    }
  }

  /** Handles every phantom already queued; used after asking for a collection. */
  static void reapQueued() {
    for (Phantom p; (p = (Phantom) QUEUE.poll()) != null; ) {
      reap(p);
    }
  }

  private static void reap(Phantom p) {
    Stripe stripe = p.stripe;
    synchronized (stripe) {
      if (p.prev != null) {
        p.prev.next = p.next;
      } else {
        stripe.head = p.next;
      }
      if (p.next != null) {
        p.next.prev = p.prev;
      }
      p.prev = null;
      p.next = null;
    }
    p.entry.drop();
  }

  private static void reapForever() {
    for (;;) {
      try {
        reap((Phantom) QUEUE.remove());
      } catch (InterruptedException e) {
        // This thread serves the JVM for its whole life; an interrupt asks nothing of it.
        LOG.log(System.Logger.Level.DEBUG, "raylite-ref-reaper interrupted; it keeps running", e);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "raylite-ref-reaper: releasing an object failed", e);
      }
    }
  }
}
