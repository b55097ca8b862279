package io.raylite.internal;

import io.raylite.ObjectRef;
import io.raylite.ObjectRefGenerator;
import io.raylite.function.RayFunc;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.GeneratorStream;
import io.raylite.spi.TaskBackend;
import java.util.function.Function;

/**
 * Streaming generators whose producer runs elsewhere (a task on a cluster node): the backend's
 * {@link TaskBackend#streaming} function runs the user's generator there and sends its values
 * back one at a time, each of which the caller's {@link GeneratorStream} queues as it arrives
 * ({@link GeneratorStream#arrived}); the task's own result ends the stream, after every value,
 * since the backend delivers them first. Back-pressure is not applied across nodes: the producer
 * runs ahead of the consumer, as with Ray's default.
 */
public final class RemoteGenerators {
  private RemoteGenerators() {}

  /**
   * Submits {@code generator} through {@code submit} as a streaming generator on {@code engine}'s
   * backend.
   *
   * @throws UnsupportedOperationException if the backend cannot stream values, or back-pressure
   *     was asked for ({@code maxUnconsumed} above 0, or the runtime's default)
   */
  public static <T> ObjectRefGenerator<T> start(Engine engine, RayFunc generator, int maxUnconsumed,
      Function<RayFunc, ObjectRef<Object>> submit) {
    checkNoBackpressure(engine, maxUnconsumed);
    GeneratorStream<T> stream = new GeneratorStream<>(engine, GeneratorStream.UNBOUNDED, -1, null);
    TaskBackend.Streaming streaming = engine.backend.streaming(generator, stream::arrived);
    if (streaming == null) {
      throw new UnsupportedOperationException("streaming generators run in a local runtime or on a cluster; this "
          + "runtime's tasks run on " + engine.backend.description());
    }
    ObjectRef<Object> result;
    try {
      result = submit.apply(streaming.function());
    } catch (RuntimeException e) {
      streaming.ended();
      throw e;
    }
    result.toCompletableFuture().whenComplete((value, failure) -> streaming.ended());
    return stream.start(result);
  }

  /**
   * Refuses back-pressure for a generator whose producer runs on another node, which it does not
   * reach: {@code maxUnconsumed} is the call's bound (0: none asked), else the runtime's default.
   *
   * @throws UnsupportedOperationException if either asks for a bound
   */
  public static void checkNoBackpressure(Engine engine, int maxUnconsumed) {
    if (maxUnconsumed > 0) {
      throw new UnsupportedOperationException("generatorBackpressure(" + maxUnconsumed + ") does not reach a "
          + "generator that runs on a cluster node, which runs ahead of its consumer; remove it");
    }
    if (engine.generatorBackpressure() > 0) {
      throw new UnsupportedOperationException("the runtime's generatorBackpressure(" + engine.generatorBackpressure()
          + ") does not reach a generator that runs on a cluster node, which runs ahead of its consumer; build the "
          + "runtime without it");
    }
  }
}
