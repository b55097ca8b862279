package io.raylite;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A first-in, first-out queue shared by tasks, actors and the driver, held by an actor, as Ray's
 * {@code ray.util.queue.Queue}. Pass the queue itself to tasks and actors:
 *
 * <pre>{@code
 * RayQueue<String> lines = new RayQueue<>(ray, 100);       // at most 100 items; 0: no bound
 * ray.task(Producer::produce, lines).remote();              // calls lines.put(...)
 * String first = lines.get();                               // waits for an item
 * }</pre>
 *
 * <p>{@code put} waits while the queue is full and {@code get} while it is empty; each also comes
 * with a timeout ({@link QueueFullException}, {@link QueueEmptyException}) and without waiting
 * ({@link #putNowait}, {@link #getNowait}). Waiting callers are served in the order they arrived.
 * Inside a task, a caller lends its CPUs while it waits, as {@link Raylite#get} does.
 *
 * <h2>Implementation overview</h2>
 * The items live in a {@link State} actor whose calls run one at a time and never block: a call
 * that cannot be served at once registers a waiter, a {@link CompletableFuture} that the call
 * returns (the queue's callers share the actor's process), and a later call that frees room or
 * adds an item completes it. The caller waits on that future. A timeout completes the same future
 * exceptionally, so the actor's completion and the caller's timeout race through the future's
 * one-time completion: whichever wins decides whether the item was handed over. When the actor
 * completes a waiter that has already timed out, {@code complete} returns false and the item (or
 * the room) goes to the next waiter instead, so nothing is lost. When the actor ends (killed,
 * {@link #shutdown()}, or its runtime closing), its end action fails every waiter with
 * {@link ActorDiedException}, so no caller is left waiting.
 *
 * @param <T> the type of the items; items must not be null
 */
public final class RayQueue<T> {
  private final Raylite ray;
  private final ActorHandle<State<T>> actor;
  private final int maxSize;

  /**
   * Creates the queue and its actor.
   *
   * @param maxSize the most items the queue holds, at least 1; 0 for no bound, as in Ray
   * @throws IllegalArgumentException if {@code maxSize} is negative
   */
  public RayQueue(Raylite ray, int maxSize) {
    this.ray = Objects.requireNonNull(ray, "ray");
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxSize must be at least 1, or 0 for no bound; got " + maxSize);
    }
    this.maxSize = maxSize;
    this.actor = ray.actor(State<T>::new, maxSize == 0 ? Integer.MAX_VALUE : maxSize).remote();
  }

  /** The most items the queue holds; 0 when it has no bound. */
  public int maxSize() {
    return maxSize;
  }

  /** The number of items in the queue now. */
  public int size() {
    return ray.get(actor.task(State<T>::size).remote());
  }

  /** Whether the queue holds no item now. */
  public boolean isEmpty() {
    return size() == 0;
  }

  /** Whether the queue is bounded and holds {@link #maxSize()} items now. */
  public boolean isFull() {
    return maxSize > 0 && size() >= maxSize;
  }

  /** Adds {@code item}, waiting while the queue is full. */
  public void put(T item) {
    Objects.requireNonNull(item, "item");
    awaitWaiter(ray, ray.get(actor.task(State<T>::put, item).remote()), null, "put");
  }

  /**
   * Adds {@code item}, waiting at most {@code timeout} while the queue is full.
   *
   * @throws QueueFullException if no room came free in time; the item was not added
   */
  public void put(T item, Duration timeout) {
    Objects.requireNonNull(item, "item");
    checkTimeout(timeout);
    awaitWaiter(ray, ray.get(actor.task(State<T>::put, item).remote()), timeout, "put");
  }

  /**
   * Adds {@code item} if the queue has room now.
   *
   * @throws QueueFullException if the queue is full
   */
  public void putNowait(T item) {
    Objects.requireNonNull(item, "item");
    if (!ray.get(actor.task(State<T>::offer, item).remote())) {
      throw new QueueFullException("the queue is full: it holds its maxSize of " + maxSize + " items");
    }
  }

  /** Removes and returns the oldest item, waiting while the queue is empty. */
  public T get() {
    return awaitWaiter(ray, ray.get(actor.task(State<T>::take).remote()), null, "get");
  }

  /**
   * Removes and returns the oldest item, waiting at most {@code timeout} while the queue is empty.
   *
   * @throws QueueEmptyException if no item came in time
   */
  public T get(Duration timeout) {
    checkTimeout(timeout);
    return awaitWaiter(ray, ray.get(actor.task(State<T>::take).remote()), timeout, "get");
  }

  /**
   * Removes and returns the oldest item if there is one now.
   *
   * @throws QueueEmptyException if the queue is empty
   */
  public T getNowait() {
    T item = ray.get(actor.task(State<T>::poll).remote());
    if (item == null) {
      throw new QueueEmptyException("the queue is empty");
    }
    return item;
  }

  /**
   * Ends the queue's actor, as Ray's {@code Queue.shutdown}: its items are dropped, callers waiting
   * in {@code put} or {@code get} fail with {@link ActorDiedException}, and so does every later call.
   */
  public void shutdown() {
    ray.kill(actor);
  }

  @Override
  public String toString() {
    return "RayQueue(maxSize=" + maxSize + ", " + actor + ")";
  }

  private static void checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
  }

  /**
   * Waits for {@code waiter} to complete, lending a task's CPUs meanwhile, and returns its value.
   * A timeout or an interrupt completes the waiter first, so that the actor skips it.
   */
  private static <R> R awaitWaiter(Raylite ray, Waiter<R> returned, Duration timeout, String operation) {
    CompletableFuture<R> waiter = returned.future();
    if (ray.isDeterministic()) {
      // The schedule runs the queue's other users while this one waits, and times out only when
      // nothing else can run; the timeout completes the waiter as orTimeout would.
      try {
        if (!ray.awaitScheduled(waiter, timeout)) {
          waiter.completeExceptionally(new TimeoutException());
        }
      } catch (RayliteException e) {
        if (waiter.cancel(false)) {
          throw e;
        }
      }
      return joinWaiter(waiter, timeout, operation);
    }
    long timeoutNanos = timeout == null ? -1 : io.raylite.internal.object.Timeouts.nanos(timeout);
    if (timeoutNanos >= 0) {
      waiter.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    }
    RuntimeContext context = Raylite.contextIfRunning().orElse(null);
    try {
      if (context != null) {
        context.await(waiter);
      } else {
        waiter.get();
      }
    } catch (InterruptedException | RayliteException e) {
      // Interrupted: withdraw the waiter, unless the actor completed it first (then keep its value).
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (waiter.cancel(false)) {
        throw e instanceof RayliteException re ? re
            : new RayliteException("interrupted while waiting in RayQueue." + operation, e);
      }
    } catch (ExecutionException | CancellationException e) {
      // read below through join(), which reports the outcome
    }
    return joinWaiter(waiter, timeout, operation);
  }

  /** The value of a completed waiter, or the exception that says why it has none. */
  private static <R> R joinWaiter(CompletableFuture<R> waiter, Duration timeout, String operation) {
    try {
      return waiter.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw operation.equals("put")
            ? new QueueFullException("the queue stayed full for " + timeout)
            : new QueueEmptyException("the queue stayed empty for " + timeout);
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /* ---------------- The actor ---------------- */

  /**
   * What a waiting call returns: the future the caller waits on, in a record so that it travels
   * as a plain value rather than as the call's own outcome.
   */
  record Waiter<R>(CompletableFuture<R> future) {}

  /**
   * The queue's items and waiters. Its calls run one at a time and never block; its end action
   * runs once no call runs, so no field needs a lock.
   */
  static final class State<T> {
    private final int capacity;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    /** Callers of get waiting for an item, oldest first. */
    private final ArrayDeque<CompletableFuture<T>> getters = new ArrayDeque<>();
    /** Callers of put waiting for room, oldest first, each with its item. */
    private final ArrayDeque<PendingPut<T>> putters = new ArrayDeque<>();

    private record PendingPut<T>(CompletableFuture<Void> waiter, T item) {}

    State(int capacity) {
      this.capacity = capacity;
      RuntimeContext context = Raylite.context();
      String actorId = context.actorId().orElseThrow();
      context.onEnd(() -> failWaiters(actorId));
    }

    int size() {
      return items.size();
    }

    /** Adds the item or hands it to a waiting getter; returns a waiter when the queue is full. */
    Waiter<Void> put(T item) {
      if (offer(item)) {
        return new Waiter<>(CompletableFuture.completedFuture(null));
      }
      putters.removeIf(p -> p.waiter().isDone());  // timed out: drop them before queueing behind them
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      putters.addLast(new PendingPut<>(waiter, item));
      return new Waiter<>(waiter);
    }

    /** Adds the item or hands it to a waiting getter if there is room now. */
    boolean offer(T item) {
      while (!getters.isEmpty()) {
        if (getters.pollFirst().complete(item)) {
          return true;
        }  // that getter timed out or was interrupted: try the next one
      }
      if (items.size() >= capacity) {
        return false;
      }
      items.addLast(item);
      return true;
    }

    /** Removes the oldest item; returns a waiter when the queue is empty. */
    Waiter<T> take() {
      T item = poll();
      if (item != null) {
        return new Waiter<>(CompletableFuture.completedFuture(item));
      }
      getters.removeIf(CompletableFuture::isDone);
      CompletableFuture<T> waiter = new CompletableFuture<>();
      getters.addLast(waiter);
      return new Waiter<>(waiter);
    }

    /** Removes the oldest item, or returns null; the room it frees goes to the oldest waiting put. */
    T poll() {
      T item = items.pollFirst();
      if (item != null) {
        admitWaitingPut();
      }
      return item;
    }

    private void admitWaitingPut() {
      while (!putters.isEmpty()) {
        PendingPut<T> next = putters.pollFirst();
        if (next.waiter().complete(null)) {
          items.addLast(next.item());
          return;
        }  // that putter timed out or was interrupted: its item was never added
      }
    }

    private void failWaiters(String actorId) {
      ActorDiedException died = new ActorDiedException("RayQueue", actorId, "the queue's actor ended", null);
      for (Iterator<CompletableFuture<T>> it = getters.iterator(); it.hasNext(); it.remove()) {
        it.next().completeExceptionally(died);
      }
      for (Iterator<PendingPut<T>> it = putters.iterator(); it.hasNext(); it.remove()) {
        it.next().waiter().completeExceptionally(died);
      }
    }
  }
}
