package io.raylite.internal;

import io.raylite.NodeInfo;
import io.raylite.function.RayFunc;
import io.raylite.internal.task.Invoker;
import io.raylite.spi.ValueCodec;
import io.raylite.spi.TaskBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The backend of {@code Raylite.builder().serializeArguments(true)}: tasks run on the runtime's own
 * workers, but every argument goes through the codec at submission (so a value that could not be
 * sent to another node fails the call that passed it, naming it), and the function, the ref
 * arguments and the result make the round trip before and after the run, as they would on a
 * cluster. Stateless apart from the codec; safe from any thread.
 */
public final class SerializingBackend implements TaskBackend {
  private final ValueCodec codec;

  public SerializingBackend(ValueCodec codec) {
    this.codec = codec;
  }

  @Override
  public String description() {
    return "local workers, every argument and result through " + codec;
  }

  @Override
  public Map<String, Double> totalResources() {
    return Map.of();
  }

  @Override
  public Object[] prepare(RayFunc function, String taskName, Map<String, Double> resources, Object[] args,
      int refMask) {
    codec.encodeFunction(taskName, function);
    Object[] kept = args.clone();
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) == 0) {
        kept[i] = new Encoded(codec.encodeArgument(taskName, i, args[i]));
      }
    }
    return kept;
  }

  @Override
  public Object execute(RayFunc function, Object[] args, TaskInfo task) throws Exception {
    RayFunc copy = (RayFunc) codec.decode(codec.encode(function));
    Object[] values = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      values[i] = args[i] instanceof Encoded encoded ? codec.decode(encoded.bytes)
          : codec.decode(codec.encode(args[i]));
    }
    Object result = Invoker.invoke(copy, values);
    try {
      return codec.decode(codec.encode(result));
    } catch (IOException e) {
      throw new UncheckedIOException("the result of task '" + task.name() + "' ("
          + (result == null ? "null" : result.getClass().getName()) + ") cannot be serialized", e);
    }
  }

  @Override
  public List<NodeInfo> nodes() {
    return List.of();  // the runtime lists itself
  }

  @Override
  public boolean supportsActors() {
    return true;
  }

  @Override
  public void close() {}

  /** An argument already encoded at submission. */
  private record Encoded(byte[] bytes) {}
}
