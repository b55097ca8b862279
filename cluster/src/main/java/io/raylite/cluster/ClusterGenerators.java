package io.raylite.cluster;

import io.raylite.Raylite;
import io.raylite.RuntimeContext;
import io.raylite.function.RayFunc;
import io.raylite.spi.Invocation;
import io.raylite.spi.TaskBackend;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.BaseStream;

/*
 * Implementation overview
 *
 * Streaming generator tasks on a cluster. The submitter (a driver, or a node for nested tasks)
 * numbers each generator it submits (a stream id) and sends, in place of the user's function, a
 * wrapper (Invocation.wrap, so it keeps the function's name) whose body, a Producer, runs on the
 * node: it calls the function, pulls its Stream, Iterator or Iterable one value at a time, and
 * hands each value to the node's Sink, bound by ClusterNode around the task's body. The sink
 * answers the value on the submitter's reply topic as if it were a task's answer under an id of
 * its own (itemId: negative, so never an attempt's), inline when small, else kept on the node
 * with its handle sent, exactly as a task's result travels.
 *
 * Order: the values and then the task's own answer go through the same BatchingSender of the
 * node, in the order the producer made them, and the submitter reads its reply topic on one thread
 * in the order messages came; that thread hands each value to its stream at once (Open.items),
 * before it hands the answers of the same or later messages to the threads that complete them. So
 * a stream has every value produced before the task's result (or failure) arrives, and its
 * GeneratorStream ends after them.
 *
 * A retried attempt runs the function again from its start; its values repeat indices the stream
 * has, which it drops (GeneratorStream.arrived). Cancelling the task stops the producer before its
 * next value (RuntimeContext.isCancelled). Back-pressure does not cross nodes.
 *
 * Threads: `open` is concurrent; a stream leaves it when its task ended (Streaming.ended), and a
 * value for a stream no longer open is dropped (its task was cancelled or ended meanwhile).
 */
final class ClusterGenerators {
  /** An item id holds the stream id above these bits and the value's index below them. */
  static final int INDEX_BITS = 24;
  /** The most values one generator task may produce on a cluster. */
  static final int MAX_VALUES = (1 << INDEX_BITS) - 1;
  static final String NEEDS = "a Stream, an Iterator or an Iterable of the values to generate";

  private final AtomicLong streamIds = new AtomicLong();
  private final ConcurrentMap<Long, TaskBackend.Items> open = new ConcurrentHashMap<>();

  /** The id under which value {@code index} of stream {@code stream} travels: negative, unlike attempt ids. */
  static long itemId(long stream, int index) {
    return -((stream << INDEX_BITS) | index);
  }

  /** Opens a stream for {@code generator}, whose values go to {@code items}. */
  TaskBackend.Streaming open(RayFunc generator, TaskBackend.Items items) {
    long stream = streamIds.incrementAndGet();
    RayFunc function = Invocation.wrap(generator, NEEDS, new Producer(generator, stream));
    open.put(stream, items);
    return new TaskBackend.Streaming() {
      @Override
      public RayFunc function() {
        return function;
      }

      @Override
      public void ended() {
        open.remove(stream);
      }
    };
  }

  /**
   * Opens a stream whose producer the node wraps itself (an actor's generator method, see
   * ActorHost): its id, for the call to carry; {@link #ended} closes it.
   *
   * @throws IllegalArgumentException if {@code generator} returns void
   */
  long register(RayFunc generator, TaskBackend.Items items) {
    Invocation.wrap(generator, NEEDS, values -> null);  // checks that it returns a value
    long stream = streamIds.incrementAndGet();
    open.put(stream, items);
    return stream;
  }

  /** The call of stream {@code stream} ended: no value comes any more. */
  void ended(long stream) {
    open.remove(stream);
  }

  /**
   * The function a node runs in place of an actor's generator method {@code generator}: it sends
   * each value to {@code sink}; never serialized.
   */
  static RayFunc onNode(RayFunc generator, long stream, Sink sink) {
    return Invocation.wrap(generator, NEEDS, values -> produce(generator, stream, values, sink));
  }

  /** Whether {@code id} names a generator's value rather than an attempt's answer. */
  static boolean isItem(long id) {
    return id < 0;
  }

  /** A value arrived, {@code stored} as its stream is to store it; on the submitter's reply reader. */
  void arrived(long itemId, Object stored) {
    long bits = -itemId;
    TaskBackend.Items items = open.get(bits >>> INDEX_BITS);
    if (items != null) {
      items.arrived((int) (bits & MAX_VALUES), stored);
    }
  }

  /** What a node's tasks send their values through; bound by ClusterNode around each task's body. */
  static final ScopedValue<Sink> SINK = ScopedValue.newInstance();

  /** Where one task on a node sends its generator values. */
  interface Sink {
    /** Sends the value under {@code itemId} to the task's submitter. */
    void send(long itemId, Object value) throws java.io.IOException;
  }

  /** The body that runs on the node in place of the generator function; see the overview. */
  record Producer(RayFunc generator, long stream) implements Invocation.Body {
    @Override
    public Object run(Object[] values) throws Exception {
      if (!SINK.isBound()) {
        throw new IllegalStateException("a cluster generator runs only on a cluster node");
      }
      return produce(generator, stream, values, SINK.get());
    }
  }

  /** Calls {@code generator} and sends each value it yields to {@code sink}, until it ends or is cancelled. */
  private static Object produce(RayFunc generator, long stream, Object[] values, Sink sink) throws Exception {
    RuntimeContext context = Raylite.context();
    Object source = Invocation.invoke(generator, values);
    Iterator<?> it = iteratorOf(source);
    Throwable failed = null;
    try {
      for (int index = 0; !context.isCancelled() && it.hasNext(); index++) {
        Object value = it.next();
        if (index > MAX_VALUES) {
          throw new IllegalStateException("a generator on a cluster produces at most " + MAX_VALUES + " values");
        }
        sink.send(itemId(stream, index), value);
      }
      return null;
    } catch (Throwable t) {
      failed = t;
      throw t;
    } finally {
      if (source instanceof AutoCloseable closeable) {
        close(closeable, failed);
      }
    }
  }

  private static void close(AutoCloseable source, Throwable failed) throws Exception {
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
}
