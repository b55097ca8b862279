package io.raylite.cluster;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/*
 * Implementation overview
 *
 * The attempts a node has accepted and not answered yet, by "<reply topic>/<attempt id>", so that
 * a submitter's cancel request finds the node's own task, and a node can say which attempts of a
 * submitter it still has (lost answers, see HazelcastBackend).
 *
 * A cancel may arrive before the attempt it names: the submitter's outbox may still hold the task
 * while the cancel, a separate request, overtakes it. So a cancel for a key that is neither live
 * nor accepted earlier leaves a cancelled entry (a tombstone), which the attempt finds when it
 * arrives and answers as cancelled without running. The order that makes this safe: accept()
 * registers its entry (open) before it marks the key accepted, and cancel looks for an entry
 * before it looks at the accepted marks, inside one computeIfAbsent: so a cancel either finds the
 * entry, or runs before open and leaves the tombstone open finds, or finds the key accepted and
 * its entry gone, when the attempt has already been answered.
 *
 * Each Attempt's fields are guarded by its own monitor: open/started on the executor thread that
 * accepted it, cancel on the executor thread of the cancel request.
 */
final class NodeAttempts {
  private final ConcurrentMap<String, Attempt> live = new ConcurrentHashMap<>();

  /** One attempt: its ref in the node's runtime once queued, and whether it was cancelled. */
  static final class Attempt {
    private ObjectRef<Object> ref;
    private boolean cancelled;
    private boolean force;
    /** Whether its task request arrived (a tombstone has not, yet). */
    private boolean arrived;

    /** Cancels the node's task, or marks the attempt cancelled until it has one. */
    void cancel(boolean force, Raylite ray) {
      ObjectRef<Object> queued;
      synchronized (this) {
        cancelled = true;
        this.force |= force;
        queued = ref;
      }
      if (queued != null) {
        ray.cancel(queued, force);
      }
    }

    synchronized boolean cancelled() {
      return cancelled;
    }

    /** The node's task was queued: cancelled already, it is cancelled now. */
    void started(ObjectRef<Object> queued, Raylite ray) {
      boolean cancelNow;
      boolean forced;
      synchronized (this) {
        ref = queued;
        cancelNow = cancelled;
        forced = force;
      }
      if (cancelNow) {
        ray.cancel(queued, forced);
      }
    }
  }

  /**
   * The entry for an attempt that arrives: a new one, or the tombstone an earlier cancel left;
   * null if the same attempt is live already (its request was delivered twice).
   */
  Attempt open(String key) {
    Attempt fresh = new Attempt();
    Attempt prior = live.putIfAbsent(key, fresh);
    Attempt attempt = prior != null ? prior : fresh;
    synchronized (attempt) {
      if (attempt.arrived) {
        return null;
      }
      attempt.arrived = true;
    }
    return attempt;
  }

  /** The attempt was answered (or was a duplicate): it is no longer live. */
  void close(String key, Attempt attempt) {
    live.remove(key, attempt);
  }

  /**
   * The entry a cancel applies to: the live one, else a tombstone if the attempt has not arrived
   * yet; null if it was answered already ({@code answered} says whether the key was accepted).
   */
  Attempt forCancel(String key, Predicate<String> answered) {
    return live.computeIfAbsent(key, k -> answered.test(k) ? null : new Attempt());
  }

  /** The ids of the live attempts of the submitter at {@code replyTopic}. */
  long[] liveIds(String replyTopic) {
    String prefix = replyTopic + "/";
    return live.keySet().stream().filter(k -> k.startsWith(prefix))
        .mapToLong(k -> Long.parseLong(k.substring(prefix.length()))).toArray();
  }
}
