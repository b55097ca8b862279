package io.raylite.internal.resource;

import java.util.List;
import java.util.TreeSet;

/**
 * The queued tasks whose priority is not the default (0), of every shape, in the order they may
 * start: higher priority first, then submission order. Part of the {@link Scheduler}: guarded by
 * its lock, and used only for tasks with a priority, so that default-priority tasks never touch
 * it beyond an {@link #isEmpty} check.
 *
 * <p>A drain offers freed resources to the lane's tasks of positive priority before the shape
 * queues, and to those of negative priority after them; a task whose resources are not free is
 * skipped, so a big request does not hold back smaller ones of lower priority (no head-of-line
 * blocking, as across shapes). Like the shape queues, the lane drops claimed and cancelled tasks
 * lazily, when a drain reaches them.
 *
 * @param <T> the task type
 */
final class PriorityLane<T extends Schedulable<T>> {
  /** One queued task, with its priority and its place among equals. */
  private record Entry<T>(T task, int priority, long seq) {}

  private final TreeSet<Entry<T>> entries = new TreeSet<>((a, b) -> a.priority != b.priority
      ? Integer.compare(b.priority, a.priority) : Long.compare(a.seq, b.seq));
  private long nextSeq;

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void add(T task, int priority) {
    entries.add(new Entry<>(task, priority, nextSeq++));
  }

  /**
   * Whether a queued task of {@code shape} would start before one of {@code priority} submitted
   * now: one of the same shape with at least that priority (equal priorities keep FIFO).
   */
  boolean holdsBack(ResourceShape shape, int priority) {
    for (Entry<T> e : entries) {
      if (e.priority < priority) {
        return false;
      }
      if (e.task.shape() == shape && e.task.isQueued()) {
        return true;
      }
    }
    return false;
  }

  /** Whether a task of positive priority waits (default-priority tasks then wait behind it). */
  boolean hasPositive() {
    return !entries.isEmpty() && entries.first().priority > 0;
  }

  /**
   * Starts, in order, the tasks of positive priority (or of negative priority) that fit now,
   * appending them to {@code started}; drops those no longer queued.
   */
  void drain(ResourceLedger ledger, boolean positive, List<T> started) {
    java.util.ArrayList<Entry<T>> candidates = new java.util.ArrayList<>();
    for (Entry<T> e : entries) {
      if ((e.priority > 0) == positive) {
        candidates.add(e);
      }
    }
    for (Entry<T> e : candidates) {
      if (!e.task.isQueued()) {
        entries.remove(e);  // claimed inline or cancelled since it was queued
        continue;
      }
      Allocation allocation = ledger.tryAcquire(e.task.shape());
      if (allocation == null) {
        continue;  // only this task waits: smaller ones behind it may start
      }
      entries.remove(e);
      if (e.task.markDispatched(allocation)) {
        started.add(e.task);
      } else {
        ledger.release(allocation);
      }
    }
  }

  /** How many queued tasks of the same shape would start before {@code task}, or -1 if it is not here. */
  int ahead(T task) {
    int ahead = 0;
    for (Entry<T> e : entries) {
      if (e.task == task) {
        return ahead;
      }
      if (e.task.shape() == task.shape() && e.task.isQueued()) {
        ahead++;
      }
    }
    return -1;
  }

  /** Empties the lane, returning its tasks. */
  List<T> takeAll() {
    List<T> all = new java.util.ArrayList<>(entries.size());
    for (Entry<T> e : entries) {
      all.add(e.task);
    }
    entries.clear();
    return all;
  }
}
