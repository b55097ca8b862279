package io.raylite.internal.resource;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The lock-free wait queue of one CPU-only shape, for the {@link Scheduler}'s fast path: tasks of
 * the shape that found too little CPU free, in the order they were queued. Any thread offers and
 * polls; an entry whose task was claimed inline or cancelled since is skipped when polled (lazy
 * removal, as in the lock path's queues).
 */
final class CpuFifo<T> extends ConcurrentLinkedQueue<T> {
  private static final long serialVersionUID = 1L;

  /** The canonical shape. */
  final ResourceShape shape;
  /** CPU units each task of the shape takes. */
  final long cpu;

  CpuFifo(ResourceShape shape) {
    this.shape = shape;
    this.cpu = shape.cpu();
  }
}
