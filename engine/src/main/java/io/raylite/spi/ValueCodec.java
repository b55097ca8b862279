package io.raylite.spi;

import io.raylite.function.RayFunc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ServiceLoader;

/**
 * Carries task functions, arguments and results across a process boundary (and, with
 * {@code serializeArguments(true)}, through one JVM). Decoding never instantiates a class outside
 * the serialization allowlist (see {@link AllowlistCodec} for its rules and its property).
 *
 * <p>The engine's own is {@link AllowlistCodec}, Java serialization. A faster one comes from the
 * first {@link Provider} that {@link ServiceLoader} finds: {@code io.raylite:raylite-cluster}
 * provides one, so a single-JVM runtime with that jar on its class path uses the codec a cluster
 * uses. Implementations are thread-safe.
 */
public interface ValueCodec {

  /**
   * Writes {@code value}.
   *
   * @throws java.io.NotSerializableException naming the first class in the object graph that cannot be written
   */
  void encode(Object value, OutputStream out) throws IOException;

  /** As {@link #encode(Object, OutputStream)}, into a new array. */
  default byte[] encode(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    encode(value, bytes);
    return bytes.toByteArray();
  }

  /**
   * Reads back a value written by {@link #encode}.
   *
   * @throws java.io.InvalidClassException naming the class if the allowlist refuses it
   * @throws ClassNotFoundException if a class of the stream is not on this JVM's class path
   */
  Object decode(InputStream in) throws IOException, ClassNotFoundException;

  /** As {@link #decode(InputStream)}, from an array. */
  default Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    return decode(new ByteArrayInputStream(bytes));
  }

  /**
   * A task argument's bytes, at submission.
   *
   * @throws IllegalArgumentException naming the argument and its class if it cannot be written
   */
  default byte[] encodeArgument(String taskName, int index, Object value) {
    try {
      return encode(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("argument " + index + " of task '" + taskName + "' ("
          + (value == null ? "null" : value.getClass().getName()) + ") cannot be serialized, so it could "
          + "not be sent to another node: " + e, e);
    }
  }

  /**
   * A task function's bytes, at submission.
   *
   * @throws IllegalArgumentException if it captures a value that cannot be written
   */
  default byte[] encodeFunction(String taskName, RayFunc function) {
    try {
      return encode(function);
    } catch (IOException e) {
      throw new IllegalArgumentException("the function of task '" + taskName + "' cannot be serialized, "
          + "so it could not be sent to another node (does it capture a value that is not Serializable?): "
          + e, e);
    }
  }

  /**
   * The codec of the first {@link Provider} on the class path, else {@link AllowlistCodec}; classes
   * are resolved with {@code loader}.
   */
  static ValueCodec load(ClassLoader loader) {
    return ServiceLoader.load(Provider.class).findFirst()
        .map(provider -> provider.create(loader))
        .orElseGet(() -> new AllowlistCodec(loader));
  }

  /** Supplies a codec; found with {@link ServiceLoader}. */
  interface Provider {
    /** A codec under the default allowlist ({@link AllowlistCodec#defaultPatterns()}), resolving classes with {@code loader}. */
    ValueCodec create(ClassLoader loader);
  }
}
