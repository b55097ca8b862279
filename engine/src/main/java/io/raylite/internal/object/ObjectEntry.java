package io.raylite.internal.object;

import io.raylite.ObjectLostException;
import io.raylite.RayliteException;
import io.raylite.spi.TaskBackend;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * One object of a runtime: its id, the future that says when it is ready, and the object store's
 * bookkeeping for its value. A put object is ready at once; a task result when its task ends.
 * {@code producer} is what will produce it, a task or an actor call (see {@link Producer}),
 * cleared when it is ready, so that a blocked reader can run a task inline and {@code cancel} can
 * find either. {@code owner} is the store of the runtime the object belongs to.
 *
 * <p>Memory: the value is stored in the {@link ObjectStore} before {@code ready} completes (for a
 * put, before the entry is handed to anyone), and readers read it only after observing completion,
 * so the future's completion orders the two.
 *
 * <p>Uses: {@code uses} counts the live {@link ObjectRefImpl}s of the entry (each drops its use
 * when the garbage collector finds it unreachable, through {@link RefTracker}) and the
 * pending tasks that take it as an argument (from submission until the task is done). When the
 * count drops to zero nothing can read the object any more, and the store releases it. A small
 * value is not tracked (see {@link #stored} and {@link #adoptRef}): the collector frees it with its
 * entry.
 */
public final class ObjectEntry {
  private static final VarHandle USES;
  private static final VarHandle ARGUMENT_USES;
  /** The future of every put entry: a put object is ready at once, and nothing completes it again. */
  private static final CompletableFuture<Void> STORED = CompletableFuture.completedFuture(null);

  private static final VarHandle REF_STATE;
  private static final Object SETTLED = new Object();

  static {
    try {
      REF_STATE = MethodHandles.lookup().findVarHandle(ObjectEntry.class, "refState", Object.class);
      USES = MethodHandles.lookup().findVarHandle(ObjectEntry.class, "uses", int.class);
      ARGUMENT_USES = MethodHandles.lookup().findVarHandle(ObjectEntry.class, "argumentUses", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final long id;
  final ObjectStore owner;
  public final CompletableFuture<Void> ready;
  /** The task or actor call that will produce the object; null once ready. */
  public volatile Producer producer;
  /** Whether an actor call produces this object: force-cancelling it is refused whatever its state. */
  public final boolean actorCallResult;
  private volatile int uses;
  /** The part of {@code uses} held by pending tasks that take the entry as an argument, for the state API. */
  private volatile int argumentUses;
  /** Whether each ref holds a use that it drops when unreachable; set before any ref exists. */
  boolean tracked = true;
  /**
   * Tracking of a result's ref, decided once the result is stored: null (no ref yet), the ref
   * waiting for that decision, or SETTLED (stored or failed: a ref made from now on decides for
   * itself). See {@link #adoptRef}.
   */
  private volatile Object refState;

  /**
   * How to rebuild a task result whose spill file is lost, or null: see {@link Lineage}. Set by the
   * task once the result is stored; cleared when the entry is released.
   */
  public volatile Lineage lineage;
  /** Why the entry keeps no lineage (its task had no retry left, or the bound dropped it), or null. */
  private volatile String noLineage;
  /**
   * The lineage's place in the store's LineageLedger, or null: set by LineageLedger.keep, before
   * the result is published or by a rebuild under the entry's monitor.
   */
  volatile LineageLedger.Kept kept;
  /** How many times the value was rebuilt from its lineage; changed under the entry's monitor. */
  private volatile int rebuilds;

  /* Owned by ObjectStore; see its overview. */
  volatile long size;
  volatile Object held;
  volatile long spillBytes;
  volatile int released;

  public ObjectEntry(long id, ObjectStore owner, Producer producer) {
    this(id, owner, producer, new CompletableFuture<>());
  }

  private ObjectEntry(long id, ObjectStore owner, Producer producer, CompletableFuture<Void> ready) {
    this.id = id;
    this.owner = owner;
    this.producer = producer;
    this.actorCallResult = producer != null && producer.isActorCall();
    this.ready = ready;
  }

  /**
   * A put entry: {@code value} stored, and ready at once.
   *
   * @throws io.raylite.ObjectStoreFullException if the store cannot take it
   */
  public static ObjectEntry stored(long id, ObjectStore owner, Object value) {
    ObjectEntry entry = new ObjectEntry(id, owner, null, STORED);
    owner.admit(entry, value);
    if (ObjectStore.isSmall(entry.size)) {
      // Only refs and pending tasks reach a small value, so the collector frees it with them: its
      // refs need no tracking, and this use, never dropped, keeps tasks from releasing it.
      entry.tracked = false;
      entry.uses = 1;
    }
    return entry;
  }

  public boolean isDone() {
    return ready.isDone();
  }

  /**
   * Stores a task's result and makes the entry ready; a result the store cannot take fails the
   * entry instead. Returns false if the entry was already complete (for example cancelled).
   */
  public boolean complete(Object result) {
    return admit(result) && publish();
  }

  /**
   * The first half of {@link #complete}: stores the value, so that its size is known, without
   * making the entry ready. Returns false if the entry was done already, or if the value could not
   * be stored (the entry is then failed). A producer that must attach something that depends on the
   * size before any reader can see the value (a task result's lineage) calls this, attaches it, then
   * calls {@link #publish}.
   */
  public boolean admit(Object result) {
    if (ready.isDone()) {
      return false;
    }
    try {
      owner.admit(this, result);
    } catch (RuntimeException e) {
      fail(e instanceof RayliteException r ? r
          : new RayliteException("cannot store object " + idString() + ": " + e, e));
      return false;
    }
    return true;
  }

  /** The second half of {@link #complete}: makes the admitted value ready; whether this won. */
  public boolean publish() {
    boolean won = ready.complete(null);
    producer = null;
    settleRef(won);
    if (!won) {
      owner.release(this, ObjectStore.DISCARDED);  // cancelled meanwhile: nobody reads it
    }
    return won;
  }

  public boolean fail(RayliteException error) {
    boolean won = ready.completeExceptionally(error);
    producer = null;
    settleRef(false);
    return won;
  }

  /**
   * Takes the use of a new ref of this entry, and has the ref tracked if the value it reaches is
   * one the store must release (see {@link RefTracker}). A small value needs no tracking: only its
   * refs and pending tasks reach it, so the collector frees it with them, and the ref's use, never
   * dropped, keeps tasks from releasing it. A result's size is unknown until its task ends, so
   * until then the entry holds its ref (which cannot become unreachable meanwhile) and decides
   * when the result is stored; most results are small, and then no ref of theirs costs a phantom
   * reference, its queueing and its reaping.
   */
  void adoptRef(ObjectRefImpl<?> ref) {
    retain();
    if (isDone() || !REF_STATE.compareAndSet(this, null, ref)) {
      track(ref);  // stored or failed already: decide now
    }
  }

  /** Decides for the ref waiting on this entry, if any, once the value is stored or has failed. */
  private void settleRef(boolean stored) {
    Object waiting = REF_STATE.getAndSet(this, SETTLED);
    if (stored && waiting instanceof ObjectRefImpl<?> ref) {
      track(ref);
    }
  }

  private void track(ObjectRefImpl<?> ref) {
    if (!ready.isCompletedExceptionally() && !ObjectStore.isSmall(size)) {
      RefTracker.track(ref, this);
    }
  }

  /**
   * Keeps {@code kept} as the lineage of this task result, within the store's bound (see
   * {@link LineageLedger}), or records why there is none. Called before the result is published.
   *
   * @param valueArguments the task's argument values (refs left out), sized for the bound
   * @param whyNone why {@code kept} is null, for the ObjectLostException of a later loss
   */
  public void attachLineage(Lineage kept, Object[] valueArguments, String whyNone) {
    if (kept == null) {
      noLineage = whyNone;
      return;
    }
    lineage = kept;
    owner.lineages.keep(this, SizeEstimator.sizeOf(valueArguments));
  }

  /** Drops the lineage of a released entry: nothing will read it again, so nothing will rebuild it. */
  void clearLineage() {
    lineage = null;
    owner.lineages.forget(kept);
  }

  /** The ledger dropped this entry's lineage to keep within its bound. */
  void lineageDropped(LineageLedger.Kept which, String why) {
    if (kept == which) {
      lineage = null;
      noLineage = why;
    }
  }

  /** Takes over the lineage that is left after a rebuild, with its place in the ledger. */
  private void adoptLineage(ObjectEntry rebuilt) {
    Lineage left = rebuilt.lineage;
    LineageLedger.Kept itsPlace = rebuilt.kept;
    owner.lineages.forget(kept);
    rebuilt.clearLineage();
    if (left != null) {
      lineage = left;
      owner.lineages.keep(this, itsPlace == null ? 0 : itsPlace.bytes);
    } else {
      lineage = null;
      noLineage = rebuilt.noLineage;
    }
  }

  /**
   * The value of a ready entry as a reader sees it: a value stored on another node (a
   * {@link TaskBackend.RemoteValue}) is fetched from there, and one lost with its node is rebuilt
   * from its lineage, as Ray reconstructs a lost object, and read again.
   *
   * @param stored what {@link #valueOrThrow} returned
   * @throws ObjectLostException if it is lost and cannot be rebuilt, saying why
   */
  public Object fetched(Object stored) {
    while (stored instanceof TaskBackend.RemoteValue remote) {
      int seen = rebuilds;
      try {
        return remote.fetch();
      } catch (ObjectLostException lost) {
        stored = rebuild(seen, lost);
      }
    }
    return stored;
  }

  /**
   * The value of a ready entry as a task placed on another node takes it: a value stored on a node
   * known to be gone is rebuilt first, so the task's node does not fetch it in vain.
   */
  public Object valueToSend() {
    Object stored = valueOrThrow();
    while (stored instanceof TaskBackend.RemoteValue remote) {
      int seen = rebuilds;
      ObjectLostException lost = remote.lost();
      if (lost == null) {
        break;
      }
      stored = rebuild(seen, lost);
    }
    return stored;
  }

  /** The value of a ready entry, or its failure thrown. */
  public Object valueOrThrow() {
    if (ready.isCompletedExceptionally()) {
      throw failure();
    }
    int seen = rebuilds;
    try {
      return owner.read(this);
    } catch (ObjectLostException lost) {
      if (lost.getCause() instanceof SpillCorruptException) {
        return rebuild(seen, lost);  // which says why, if it has no lineage
      }
      throw lost;
    }
  }

  /**
   * Re-runs the task of a result whose spill file is lost, or whose node is gone (see
   * {@link Lineage}), and stores the new value in place of the old; one reader rebuilds, and the
   * others wait for it and read its value.
   */
  private synchronized Object rebuild(int seen, ObjectLostException lost) {
    if (rebuilds == seen) {
      Lineage from = lineage;
      if (from == null) {  // a put, released meanwhile, no retry left, or dropped by the bound
        String why = noLineage;
        throw why == null ? lost : new ObjectLostException(lost.getMessage() + "; it cannot be rebuilt: " + why, lost);
      }
      ObjectEntry again;
      try {
        again = from.rerun(this);
      } catch (RayliteException failed) {
        if (failed.getCause() instanceof io.raylite.InfeasibleResourceException none) {
          // No live node can run the task any more (its node's resources left with it): the
          // object is lost, as Ray's ObjectReconstructionFailedError is an ObjectLostError.
          throw new ObjectLostException(lost.getMessage() + "; it cannot be rebuilt: " + none.getMessage(), failed);
        }
        failed.addSuppressed(lost);
        throw failed;  // the rebuilt task's own failure, as its first run would have given it
      }
      owner.replaceLost(this, owner.read(again));  // readers meanwhile wait (see readElsewhere)
      adoptLineage(again);
      rebuilds = seen + 1;
    }
    return owner.read(this);
  }

  /** Whether the stored value is large enough to be spilled (see ObjectStore, "Kinds of value"). */
  public boolean maySpill() {
    return !ObjectStore.isSmall(size);
  }

  /** The failure of an entry that completed exceptionally. */
  public RayliteException failure() {
    return (RayliteException) ready.exceptionNow();
  }

  /**
   * Releases a ready value that no ref reaches and none ever will (a value a closed generator
   * produced and never handed out).
   */
  public void discard() {
    owner.release(this, ObjectStore.DISCARDED);
  }

  /** Adds a use: a new ref, or a pending task that takes the entry as an argument. */
  public void retain() {
    USES.getAndAdd(this, 1);
  }

  /** Adds the use of a pending task that takes the entry as an argument; see {@link #dropForTask}. */
  public void retainForTask() {
    ARGUMENT_USES.getAndAdd(this, 1);
    retain();
  }

  /** Drops the use of a task that took the entry as an argument and is done. */
  public void dropForTask() {
    ARGUMENT_USES.getAndAdd(this, -1);
    drop();
  }

  /** Drops a use; the last one releases the object. */
  public void drop() {
    if ((int) USES.getAndAdd(this, -1) == 1) {
      owner.release(this, ObjectStore.UNREACHABLE);
    }
  }

  /** The entry's number, unique within its store. */
  public long id() {
    return id;
  }

  public String idString() {
    return Ids.object(id);
  }

  /** The size in bytes the store accounted for, for the state API. */
  public long size() {
    return size;
  }

  /** The uses now (refs and pending task arguments), for the state API. */
  public int uses() {
    return uses;
  }

  /** The uses held by pending tasks that take the entry as an argument, for the state API. */
  public int argumentUses() {
    return argumentUses;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id * 0x9E3779B97F4A7C15L);  // identity equality; ids are unique per runtime
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }
}
