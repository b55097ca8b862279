package io.raylite;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A pool of actors that share a stream of work, as Ray's {@code ray.util.ActorPool}: each value is
 * handed to an idle actor, and results are read back in submission order ({@link #getNext}) or in
 * completion order ({@link #getNextUnordered}).
 *
 * <pre>{@code
 * ActorPool<Doubler, Integer> pool = new ActorPool<>(ray, List.of(a, b));
 * pool.map((actor, v) -> actor.task(Doubler::twice, v).remote(), List.of(1, 2, 3, 4))
 *     .forEach(System.out::println);                  // 2 4 6 8
 * }</pre>
 *
 * <p>As in Ray, a value submitted while every actor is busy waits in the pool, and is handed to an
 * actor when a result is read back (by {@code getNext} or {@code getNextUnordered}) and frees its
 * actor: the pool runs no thread of its own. Reading a result returns its actor to the pool before
 * the result is fetched, so a call that failed makes that read throw what {@link Raylite#get}
 * throws ({@link TaskFailedException} with the call's exception as cause,
 * {@link TaskCancelledException}, {@link ActorDiedException}) and the pool goes on with the next
 * one.
 *
 * <p>Like Ray's, an {@code ActorPool} is meant for one thread at a time: it does no locking. The
 * handles it is given should not be called meanwhile by other code, or their calls queue behind
 * the pool's.
 *
 * @param <A> the actors' class
 * @param <R> the type of the results the pool's calls return
 */
public final class ActorPool<A, R> {
  private final Raylite ray;
  private final ArrayDeque<ActorHandle<A>> idle;
  /** Calls in flight, by submission index, with the actor running each. */
  private final Map<ObjectRef<R>, InFlight<A, R>> inFlight = new HashMap<>();
  private final Map<Long, ObjectRef<R>> bySubmission = new HashMap<>();
  /** Values submitted while every actor was busy, in submission order. */
  private final ArrayDeque<Pending<A, R>> pending = new ArrayDeque<>();
  private long nextSubmission;
  private long nextToReturn;

  private record InFlight<A, R>(long index, ActorHandle<A> actor) {}

  private record Pending<A, R>(BiFunction<ActorHandle<A>, Object, ObjectRef<R>> call, Object value) {}

  /**
   * A pool over {@code actors}, all idle at first.
   *
   * @throws IllegalArgumentException if {@code actors} is empty or holds one actor twice
   */
  public ActorPool(Raylite ray, List<ActorHandle<A>> actors) {
    this.ray = Objects.requireNonNull(ray, "ray");
    Objects.requireNonNull(actors, "actors");
    if (actors.isEmpty()) {
      throw new IllegalArgumentException("actors must hold at least one actor handle, got none");
    }
    if (actors.stream().distinct().count() != actors.size()) {
      throw new IllegalArgumentException("actors must not hold the same actor twice: " + actors);
    }
    actors.forEach(a -> Objects.requireNonNull(a, "actors must not hold null"));
    this.idle = new ArrayDeque<>(actors);
  }

  /* ---------------- Submitting ---------------- */

  /**
   * Hands {@code value} to an idle actor through {@code call}, which makes the call and returns its
   * ref; with no idle actor, the value waits until a result is read back and frees one.
   */
  @SuppressWarnings("unchecked")
  public <V> void submit(BiFunction<ActorHandle<A>, V, ObjectRef<R>> call, V value) {
    Objects.requireNonNull(call, "call");
    BiFunction<ActorHandle<A>, Object, ObjectRef<R>> erased =
        (BiFunction<ActorHandle<A>, Object, ObjectRef<R>>) (BiFunction<?, ?, ?>) call;
    if (idle.isEmpty()) {
      pending.addLast(new Pending<>(erased, value));
    } else {
      start(idle.pollFirst(), erased, value);
    }
  }

  private void start(ActorHandle<A> actor, BiFunction<ActorHandle<A>, Object, ObjectRef<R>> call, Object value) {
    ObjectRef<R> ref;
    try {
      ref = Objects.requireNonNull(call.apply(actor, value), "call returned a null ref");
    } catch (RuntimeException | Error e) {
      idle.addFirst(actor);  // the call never started: the actor stays free, and the caller sees why
      throw e;
    }
    long index = nextSubmission++;
    inFlight.put(ref, new InFlight<>(index, actor));
    bySubmission.put(index, ref);
  }

  /* ---------------- Reading results ---------------- */

  /** Whether a submitted value's result is still to be read. */
  public boolean hasNext() {
    return !inFlight.isEmpty();
  }

  /**
   * The result of the oldest submission not yet read, waiting for it as {@link Raylite#get} does.
   *
   * @throws NoSuchElementException if nothing is left to read ({@link #hasNext()} is false)
   * @throws IllegalStateException if {@link #getNextUnordered} already read a later result, as in Ray
   */
  public R getNext() {
    return getNext(null);
  }

  /**
   * As {@link #getNext()}, waiting at most {@code timeout} ({@code null}: without limit) for the
   * call to finish; on a timeout the result stays in the pool, to be read by a later call.
   *
   * @throws GetTimeoutException if the result is not ready in time
   */
  public R getNext(Duration timeout) {
    if (!hasNext()) {
      throw new NoSuchElementException("no more results to get: every submission was read back");
    }
    ObjectRef<R> ref = bySubmission.get(nextToReturn);
    if (ref == null) {
      throw new IllegalStateException("getNext() cannot be called after getNextUnordered() read a "
          + "later result; keep to one of them until hasNext() is false");
    }
    if (timeout != null && ray.wait(List.of(ref), 1, timeout).ready().isEmpty()) {
      throw new GetTimeoutException("the next result was not ready within " + timeout);
    }
    bySubmission.remove(nextToReturn);
    nextToReturn++;
    release(inFlight.remove(ref).actor());
    return ray.get(ref);
  }

  /**
   * The first result to be ready among the submissions not yet read, waiting for one as
   * {@link Raylite#wait} does.
   *
   * @throws NoSuchElementException if nothing is left to read ({@link #hasNext()} is false)
   */
  public R getNextUnordered() {
    return getNextUnordered(null);
  }

  /**
   * As {@link #getNextUnordered()}, waiting at most {@code timeout} ({@code null}: without limit).
   *
   * @throws GetTimeoutException if no result is ready in time
   */
  public R getNextUnordered(Duration timeout) {
    if (!hasNext()) {
      throw new NoSuchElementException("no more results to get: every submission was read back");
    }
    List<ObjectRef<R>> ready = ray.wait(new ArrayList<>(inFlight.keySet()), 1, timeout).ready();
    if (ready.isEmpty()) {
      throw new GetTimeoutException("no result was ready within " + timeout);
    }
    ObjectRef<R> ref = ready.getFirst();
    InFlight<A, R> done = inFlight.remove(ref);
    bySubmission.remove(done.index());
    nextToReturn = Math.max(nextToReturn, done.index() + 1);
    release(done.actor());
    return ray.get(ref);
  }

  /** Returns {@code actor} to the pool and hands it the oldest waiting value, if any. */
  private void release(ActorHandle<A> actor) {
    idle.addLast(actor);
    while (!idle.isEmpty() && !pending.isEmpty()) {
      Pending<A, R> next = pending.pollFirst();
      start(idle.pollFirst(), next.call(), next.value());
    }
  }

  /* ---------------- Mapping ---------------- */

  /**
   * Submits every value and returns their results in the order of {@code values}, as Ray's
   * {@code ActorPool.map}. The stream reads the results lazily, so a failed call throws when the
   * stream reaches it. Results still unread from earlier submissions are read first and dropped,
   * as in Ray.
   */
  public <V> Stream<R> map(BiFunction<ActorHandle<A>, V, ObjectRef<R>> call, Iterable<V> values) {
    return mapWith(call, values, this::getNext);
  }

  /**
   * As {@link #map}, returning each result as soon as it is ready, in completion order, as Ray's
   * {@code ActorPool.map_unordered}.
   */
  public <V> Stream<R> mapUnordered(BiFunction<ActorHandle<A>, V, ObjectRef<R>> call, Iterable<V> values) {
    return mapWith(call, values, this::getNextUnordered);
  }

  private <V> Stream<R> mapWith(BiFunction<ActorHandle<A>, V, ObjectRef<R>> call, Iterable<V> values,
      java.util.function.Supplier<R> next) {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(values, "values");
    dropUnread();
    for (V value : values) {
      submit(call, value);
    }
    Iterator<R> results = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ActorPool.this.hasNext();
      }

      @Override
      public R next() {
        return next.get();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED), false);
  }

  /**
   * Reads and drops the results left from earlier submissions, as Ray's map does before it starts;
   * a failure among them belongs to no one who could read it any more.
   */
  private void dropUnread() {
    while (hasNext()) {
      ObjectRef<R> ref = inFlight.keySet().iterator().next();
      InFlight<A, R> done = inFlight.remove(ref);
      bySubmission.remove(done.index());
      release(done.actor());
    }
    nextToReturn = nextSubmission;
  }

  /* ---------------- Actors ---------------- */

  /** Whether an actor is idle, so that {@link #submit} starts a call at once. */
  public boolean hasFree() {
    return idle.size() > 0 && pending.isEmpty();
  }

  /** Removes an idle actor from the pool and returns it; empty if none is idle. */
  public java.util.Optional<ActorHandle<A>> popIdle() {
    return hasFree() ? java.util.Optional.of(idle.pollFirst()) : java.util.Optional.empty();
  }

  /**
   * Adds {@code actor} to the pool as an idle actor; a waiting value starts on it at once.
   *
   * @throws IllegalArgumentException if the pool already holds the actor
   */
  public void push(ActorHandle<A> actor) {
    Objects.requireNonNull(actor, "actor");
    boolean busy = inFlight.values().stream().anyMatch(f -> f.actor().equals(actor));
    if (busy || idle.contains(actor)) {
      throw new IllegalArgumentException("actor " + actor + " is already in the pool");
    }
    release(actor);
  }
}
