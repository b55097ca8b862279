package io.raylite.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/*
 * Implementation overview
 *
 * The tasks a submitter holds because every node that could run them has a full queue (see
 * Placement): they wait here, not on a node, so that a node that joins can take them. One FIFO
 * queue per resource request, in `byShape`: tasks of one shape are placed in the order they came,
 * and when the head of a shape cannot be placed, none behind it can, so a drain costs one
 * attempt per shape plus one per task placed, however long the queues.
 *
 * placeOrHold() and drain() run under `lock`, so a release that makes room either happens before
 * a submission's own place() (which then sees the room) or is followed by a drain that finds the
 * held task: no task is left behind with room for it. They call Placement (its own lock, always
 * taken inside this one) but never send: they return what was placed, and the caller sends it
 * after unlocking.
 */
final class Backlog {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Map<String, Double>, ArrayDeque<Held>> byShape = new LinkedHashMap<>();
  private final Placement placement;

  /** A task waiting for room; {@code output} is the capture of the node task that submitted it, or null. */
  record Held(Wire.TaskSpec spec, String preferredUuid, CompletableFuture<Object> answer, TaskOutput.Capture output) {}

  /** A held task and the node it was placed on. */
  record Placed(Held held, Placement.Slot slot) {}

  /** A held task that can no longer run anywhere, and why. */
  record Failed(Held held, RuntimeException failure) {}

  /** What a drain did: the tasks to send now, and those to fail. */
  record Drained(List<Placed> placed, List<Failed> failed) {}

  Backlog(Placement placement) {
    this.placement = placement;
  }

  /**
   * Places the task if no earlier task of its shape waits and a node has room; else holds it.
   *
   * @return its node, or null if it is held
   * @throws io.raylite.InfeasibleResourceException if no live node could ever run it
   */
  Placement.Slot placeOrHold(Held task) {
    Map<String, Double> shape = task.spec().resources();
    lock.lock();
    try {
      ArrayDeque<Held> queue = byShape.get(shape);
      if (queue == null) {
        Placement.Slot slot = placement.place(task.spec().name(), shape, task.preferredUuid());
        if (slot != null) {
          return slot;
        }
        queue = new ArrayDeque<>();
        byShape.put(shape, queue);
      }
      queue.add(task);
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Places the held tasks that now fit (room was released, or a node joined or left). */
  Drained drain() {
    List<Placed> placed = new ArrayList<>();
    List<Failed> failed = new ArrayList<>();
    lock.lock();
    try {
      for (Iterator<ArrayDeque<Held>> shapes = byShape.values().iterator(); shapes.hasNext(); ) {
        ArrayDeque<Held> queue = shapes.next();
        while (!queue.isEmpty()) {
          Held head = queue.peek();
          Placement.Slot slot;
          try {
            slot = placement.place(head.spec().name(), head.spec().resources(), head.preferredUuid());
          } catch (RuntimeException noNodeLeft) {  // the nodes that could run this shape are gone
            for (Held h : queue) {
              failed.add(new Failed(h, noNodeLeft));
            }
            queue.clear();
            break;
          }
          if (slot == null) {
            break;
          }
          queue.poll();
          placed.add(new Placed(head, slot));
        }
        if (queue.isEmpty()) {
          shapes.remove();
        }
      }
    } finally {
      lock.unlock();
    }
    return new Drained(placed, failed);
  }

  /** Removes and returns the held tasks that match (all of them, for a lost cluster; one, for a cancel). */
  List<Held> remove(Predicate<Held> which) {
    List<Held> removed = new ArrayList<>();
    lock.lock();
    try {
      for (Iterator<ArrayDeque<Held>> shapes = byShape.values().iterator(); shapes.hasNext(); ) {
        ArrayDeque<Held> queue = shapes.next();
        queue.removeIf(h -> which.test(h) && removed.add(h));
        if (queue.isEmpty()) {
          shapes.remove();
        }
      }
    } finally {
      lock.unlock();
    }
    return removed;
  }
}
