package io.raylite.internal.task;

import io.raylite.ObjectRef;
import io.raylite.ObjectRefGenerator;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.RuntimeContext;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.object.Producer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.BaseStream;

/*
 * Implementation overview
 *
 * One streaming generator, Ray's num_returns="streaming": the producer is an ordinary task or
 * actor call whose function is a wrapper (WrappedFunction) around the user's function. The wrapper
 * calls it, takes the Stream, Iterator or Iterable it returns, and pulls values from it one at a
 * time; each value becomes an object of its own (an ObjectEntry whose producer is the call, so the
 * state API names the call) that is ready at once and queued here for the consumer. The call's own
 * result, completed(), ends the stream: ready when the wrapper returns, failed when the function
 * throws or the call is cancelled. Everything else (arguments, resources, retries, cancellation,
 * close, the timeline's bar for the call) is the ordinary path's.
 *
 * States, guarded by this object's monitor (held only for bookkeeping, never while blocking):
 *   open      the consumer waits on itemWaiter for a value or the end; the producer, when
 *             maxUnconsumed values wait unconsumed, waits on roomWaiter (back-pressure)
 *   ended     the call's result completed (a listener sets it, with its failure if any): values
 *             still queued are handed out, then hasNext returns false or throws the failure; a
 *             producer still running (cancelled while running) stops before its next value
 *   closed    close() ran: queued values are released, the call is cancelled if it still runs,
 *             the producer stops before its next value, and hasNext returns false
 * Racy by nature, and benign: a value pulled before the end or close and stored after it is
 * released at once (ObjectEntry.discard), never handed out. close() cancels the call before it
 * wakes the producer, so a woken producer cannot end the call normally meanwhile.
 * Both waits go through Blocking.block, so a waiting task lends its CPUs as in get; nothing polls.
 * Each future is made by the waiter under the monitor and completed by whoever changes what it
 * waits for (next, publish, the end listener, close), outside the monitor.
 *
 * Back-pressure, as Ray's _generator_backpressure_num_objects: before pulling value k the
 * producer waits until fewer than maxUnconsumed values are queued, so it is never more than
 * maxUnconsumed values ahead of the consumer. A value counts as consumed once next() hands out
 * its ref.
 *
 * Retries: an attempt that throws a retryable exception runs the function again from its start;
 * the first `produced` values of the new attempt are pulled and dropped, so the consumer sees each
 * index once and refs already handed out stay valid. As in Ray, this assumes the function yields
 * the same sequence each time.
 */
public final class GeneratorStream<T> implements ObjectRefGenerator<T> {
  /** No bound on unconsumed values, Ray's default. */
  public static final int UNBOUNDED = 0;

  private final Engine engine;
  private final int maxUnconsumed;
  /** For the timeline: the actor whose call produces, or -1 for a task, and the actor's row name. */
  private final long actorSeq;
  private final String actorRow;
  /** The call's result; set once by start(), before the stream is handed to anyone. */
  private ObjectRef<Void> completed;
  private ObjectEntry result;

  /* Guarded by this. */
  private final ArrayDeque<ObjectEntry> unconsumed = new ArrayDeque<>();
  /** Values published, over all attempts. */
  private int produced;
  private boolean ended;
  private RayliteException endFailure;
  private boolean closed;
  private CompletableFuture<Void> itemWaiter;
  private CompletableFuture<Void> roomWaiter;

  /**
   * @param maxUnconsumed the back-pressure bound, or {@link #UNBOUNDED}
   * @param actorSeq the producing actor's number, or -1 for a task
   * @param actorRow the producing actor's timeline row name, or null for a task
   */
  public GeneratorStream(Engine engine, int maxUnconsumed, long actorSeq, String actorRow) {
    this.engine = engine;
    this.maxUnconsumed = maxUnconsumed;
    this.actorSeq = actorSeq;
    this.actorRow = actorRow;
  }

  /**
   * The function to submit in place of {@code generator}: it calls it and produces its values
   * into this stream.
   *
   * @throws IllegalArgumentException if {@code generator} returns void
   */
  public RayFunc producerOf(RayFunc generator) {
    String needs = "a Stream, an Iterator or an Iterable of the values to generate";
    return WrappedFunction.wrap(generator, needs, values -> {
      produce(Invoker.invoke(generator, values));
      return null;
    });
  }

  /** Binds the stream to the submitted call's result; called once, right after submitting. */
  @SuppressWarnings("unchecked")
  public GeneratorStream<T> start(ObjectRef<?> callResult) {
    completed = (ObjectRef<Void>) callResult;
    result = ObjectRefImpl.entryOf(callResult, engine.store, "result");
    result.ready.whenComplete((ignored, error) -> ended());
    return this;
  }

  /* ---------------- Producer ---------------- */

  private void produce(Object source) throws Exception {
    Iterator<?> values = iteratorOf(source);
    int skip;
    synchronized (this) {
      skip = produced;  // a retry runs again from the start; see the overview
    }
    Throwable failed = null;
    try {
      for (int index = 0; ; index++) {
        boolean keep = index >= skip;
        if (keep ? !awaitRoom() : stopped()) {
          return;
        }
        if (!values.hasNext()) {
          return;
        }
        Object value = values.next();
        if (keep) {
          publish(index, value);
        }
      }
    } catch (Throwable t) {
      failed = t;
      throw t;
    } finally {
      if (source instanceof AutoCloseable closeable) {
        closeSource(closeable, failed);
      }
    }
  }

  /** Closes a Stream (running its onClose handlers) or a closeable iterator, once the producer stops. */
  private static void closeSource(AutoCloseable source, Throwable failed) throws Exception {
    try {
      source.close();
    } catch (Exception e) {
      if (failed == null) {
        throw e;
      }
      failed.addSuppressed(e);
    }
  }

  private static Iterator<?> iteratorOf(Object source) {
    return switch (source) {
      case BaseStream<?, ?> stream -> stream.iterator();
      case Iterator<?> iterator -> iterator;
      case Iterable<?> iterable -> iterable.iterator();
      case null -> throw new IllegalStateException(
          "a generator function must return a Stream, an Iterator or an Iterable, but it returned null");
      default -> throw new IllegalStateException("a generator function must return a Stream, an Iterator or "
          + "an Iterable, but it returned a " + source.getClass().getName());
    };
  }

  private synchronized boolean stopped() {
    return closed || ended;
  }

  /** Waits until the consumer leaves room for one more value; false if the producer must stop. */
  private boolean awaitRoom() {
    for (;;) {
      CompletableFuture<Void> wait;
      synchronized (this) {
        if (closed || ended) {
          return false;
        }
        if (maxUnconsumed == UNBOUNDED || unconsumed.size() < maxUnconsumed) {
          return true;
        }
        if (roomWaiter == null) {
          roomWaiter = new CompletableFuture<>();
        }
        wait = roomWaiter;
      }
      Blocking.block(TaskRun.current(), wait, -1, null);
    }
  }

  /** Stores value {@code index} as an object of its own and queues it for the consumer. */
  private void publish(int index, Object value) {
    RuntimeContext call = Raylite.context();
    ObjectEntry item = new ObjectEntry(engine.nextObjectId(), engine.store, call instanceof Producer p ? p : null);
    if (!item.complete(value)) {
      throw item.failure();  // the store could not take it: the generator fails with that
    }
    boolean kept;
    CompletableFuture<Void> wake = null;
    synchronized (this) {
      kept = !closed && !ended;
      if (kept) {
        unconsumed.add(item);
        produced++;
        wake = itemWaiter;
        itemWaiter = null;
      }
    }
    if (!kept) {
      item.discard();  // closed or cancelled meanwhile: nobody will read it
      return;
    }
    wake(wake, null);
    TimelineSink timeline = engine.timeline;
    if (timeline.enabled()) {
      TaskRun task = TaskRun.current();
      timeline.record(new TimelineSink.GeneratorItemEvent(call.taskName(), call.taskId(), index, item.idString(),
          actorSeq, task != null ? task.workerTid : 0, task != null ? "worker " + task.workerLabel : actorRow,
          System.nanoTime()));
    }
  }

  /**
   * Value {@code index} of a producer that runs on another node arrived, as it is to be stored
   * (possibly a {@link io.raylite.spi.TaskBackend.RemoteValue}); the backend delivers a call's
   * values in the order produced, before its result. An index already handed on (a retry's run
   * from the start) is dropped; so is a value after the end or close.
   */
  public void arrived(int index, Object stored) {
    synchronized (this) {
      if (index != produced || closed || ended) {
        if (index > produced && !closed && !ended) {
          System.getLogger("io.raylite.task").log(System.Logger.Level.WARNING, "generator " + this + " got value "
              + index + " while it waited for value " + produced + "; values between were lost on their way");
        }
        return;
      }
    }
    ObjectEntry item = new ObjectEntry(engine.nextObjectId(), engine.store, null);
    item.complete(stored);  // if the store cannot take it, the entry fails, and its reader sees why
    CompletableFuture<Void> wake;
    synchronized (this) {
      if (index != produced || closed || ended) {
        item.discard();
        return;
      }
      unconsumed.add(item);
      produced++;
      wake = itemWaiter;
      itemWaiter = null;
    }
    wake(wake, null);
  }

  /** The call's result completed: no more values. */
  private void ended() {
    CompletableFuture<Void> item;
    CompletableFuture<Void> room;
    synchronized (this) {
      ended = true;
      endFailure = result.ready.isCompletedExceptionally() ? result.failure() : null;
      item = itemWaiter;
      room = roomWaiter;
      itemWaiter = null;
      roomWaiter = null;
    }
    wake(item, room);
  }

  private static void wake(CompletableFuture<Void> a, CompletableFuture<Void> b) {
    if (a != null) {
      a.complete(null);
    }
    if (b != null) {
      b.complete(null);
    }
  }

  /* ---------------- Consumer ---------------- */

  @Override
  public boolean hasNext() {
    for (;;) {
      CompletableFuture<Void> wait;
      synchronized (this) {
        if (!unconsumed.isEmpty()) {
          return true;
        }
        if (closed) {
          return false;
        }
        if (ended) {
          if (endFailure != null) {
            throw endFailure;
          }
          return false;
        }
        if (itemWaiter == null) {
          itemWaiter = new CompletableFuture<>();
        }
        wait = itemWaiter;
      }
      Blocking.block(TaskRun.current(), wait, -1, null);
    }
  }

  @Override
  public ObjectRef<T> next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the generator " + completed + " has no more values");
    }
    ObjectEntry item;
    CompletableFuture<Void> room;
    synchronized (this) {
      item = unconsumed.poll();
      if (item == null) {
        throw new NoSuchElementException("the generator " + completed + " was closed or consumed meanwhile");
      }
      room = roomWaiter;
      roomWaiter = null;
    }
    ObjectRef<T> ref = new ObjectRefImpl<>(item);
    wake(room, null);
    return ref;
  }

  @Override
  public ObjectRef<Void> completed() {
    return completed;
  }

  @Override
  public void close() {
    // Cancelled first, so that a producer woken below cannot finish normally meanwhile.
    Producer producer = result.producer;
    if (producer != null) {
      producer.cancel(false);  // a running producer stops before its next value (see awaitRoom)
    }
    List<ObjectEntry> dropped;
    CompletableFuture<Void> item;
    CompletableFuture<Void> room;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      dropped = new ArrayList<>(unconsumed);
      unconsumed.clear();
      item = itemWaiter;
      room = roomWaiter;
      itemWaiter = null;
      roomWaiter = null;
    }
    wake(item, room);
    for (ObjectEntry e : dropped) {
      e.discard();
    }
  }

  @Override
  public String toString() {
    return "ObjectRefGenerator(" + (completed == null ? "" : completed.id()) + ")";
  }
}
