package io.raylite.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue of one concurrency group of an actor (the default group, or a named one), with the
 * count of the virtual threads draining it. Guarded by the monitor of its {@link ActorRecord}. The
 * queue is created by the first call and dropped once empty if it grew large, so an actor never
 * called costs only this object and an idle one at most a small empty queue.
 */
final class ActorMailbox {
  /** Queues up to this size are kept while empty, so that a steady trickle of calls allocates none. */
  private static final int SMALL = 16;

  /** The group name, or null for the default group. */
  final String group;
  /** The most calls of this group that run at once. */
  final int limit;
  private ArrayDeque<ActorTask> queue;
  /** Whether the queue grew past {@link #SMALL}: then it is dropped once empty. */
  private boolean grown;
  /** Threads draining this mailbox, at most {@link #limit}. */
  int drainers;
  /** Drainers running a call right now; the others are about to take one or to end. */
  int busy;

  ActorMailbox(String group, int limit) {
    this.group = group;
    this.limit = limit;
  }

  void addLast(ActorTask call) {
    ArrayDeque<ActorTask> q = queue();
    q.addLast(call);
    if (q.size() > SMALL) {
      grown = true;
    }
  }

  void addFirst(ActorTask call) {
    queue().addFirst(call);
  }

  /** The next call, or null; an emptied queue that had grown is dropped. */
  ActorTask poll() {
    if (queue == null) {
      return null;
    }
    ActorTask next = queue.pollFirst();
    if (next == null && grown) {
      queue = null;
      grown = false;
    }
    return next;
  }

  /** Removes {@code call} if it is queued here; whether it was. */
  boolean remove(ActorTask call) {
    return queue != null && queue.remove(call);
  }

  int size() {
    return queue == null ? 0 : queue.size();
  }

  /** Whether another drainer should start: queued calls outnumber idle drainers and the limit allows it. */
  boolean wantsDrainer() {
    return drainers < limit && size() > drainers - busy;
  }

  /** Removes and returns every queued call, in order. */
  List<ActorTask> takeAll() {
    if (queue == null || queue.isEmpty()) {
      return List.of();
    }
    List<ActorTask> all = new ArrayList<>(queue);
    queue.clear();
    return all;
  }

  private ArrayDeque<ActorTask> queue() {
    if (queue == null) {
      queue = new ArrayDeque<>(4);
    }
    return queue;
  }
}
