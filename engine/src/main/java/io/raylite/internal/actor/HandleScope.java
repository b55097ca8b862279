package io.raylite.internal.actor;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;

/*
 * Implementation overview
 *
 * Ends a non-detached actor once no handle to it is reachable, as Ray ends an actor whose handles
 * have all gone out of scope.
 *
 * Reachability is that of one small object, the anchor. Every ActorHandle of the actor holds the
 * current anchor strongly, and so does every call of the actor from its submission until its result
 * is complete (ActorCallRun.keepAlive), and every ActorCall not yet submitted. The actor's record
 * reaches the anchor only weakly (`current`) and through those pending calls, so neither its
 * mailbox, its threads nor its instance keep it alive by themselves: what keeps it alive is a
 * handle held by user code (a variable, a field, a task's argument), or a call not yet finished. An
 * actor whose instance stores its own handle (from currentActor()) keeps itself alive, as a
 * reference cycle through a borrowed handle would in Ray.
 *
 * When the collector finds the anchor unreachable, the cleaner runs unreachable(generation), which
 * ends the actor without restart (ActorRecord.endUnreachable). A new handle made after the anchor was
 * cleared but before the cleaner ran (getActor by name, racing with the end) gets a new anchor of
 * the next generation; the stale cleaner action then sees a newer generation and does nothing,
 * because the new anchor has its own cleaner.
 *
 * Fields: `current` is volatile and read without the lock on the fast path (a call's submission);
 * `generation` and the replacement of `current` are guarded by this scope's monitor.
 *
 * One cleaner thread serves every runtime of the JVM. Its name starts with raylite-ref-reaper, like
 * the object store's reaper, so tools that list the JVM-wide threads by prefix see both.
 */
final class HandleScope {
  private static final System.Logger LOG = System.getLogger("io.raylite");
  private static final Cleaner CLEANER =
      Cleaner.create(Thread.ofPlatform().name("raylite-ref-reaper-actor-handles").daemon().factory());

  private final ActorRecord actor;
  private volatile WeakReference<Object> current;
  /** Bumped with each new anchor; guarded by this. */
  private int generation;

  HandleScope(ActorRecord actor) {
    this.actor = actor;
  }

  /** The anchor a new handle or a submitted call holds; a new one if the last became unreachable. */
  Object anchor() {
    WeakReference<Object> ref = current;
    Object anchor = ref == null ? null : ref.get();
    return anchor != null ? anchor : renew();
  }

  private synchronized Object renew() {
    Object anchor = current == null ? null : current.get();
    if (anchor == null) {
      anchor = new Object();
      int gen = ++generation;
      current = new WeakReference<>(anchor);
      CLEANER.register(anchor, () -> unreachable(gen));  // captures the scope and gen, never the anchor
    }
    return anchor;
  }

  /** Runs on the cleaner thread once the anchor of generation {@code gen} is unreachable. */
  private void unreachable(int gen) {
    synchronized (this) {
      if (gen != generation) {
        return;  // a handle made since holds a newer anchor
      }
    }
    try {
      actor.endUnreachable();
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.WARNING, "ending " + actor + ", whose handles are unreachable, failed", e);
    }
  }
}
