package io.raylite.spi;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The codec that carries task functions, arguments and results across a process boundary (and,
 * with {@code serializeArguments(true)}, through one JVM): Java serialization under an allowlist
 * of classes, and the raw bytes of primitive arrays as {@link JavaSerializationCodec} writes them.
 *
 * <p>Decoding never instantiates a class the allowlist does not name: every class descriptor in
 * the stream, including a lambda's capturing class, goes through an {@link ObjectInputFilter}
 * built from the patterns (the {@link ObjectInputFilter.Config#createFilter} syntax). The default
 * allows {@code java.lang}, {@code java.util}, {@code java.time}, {@code java.math} and
 * {@code io.raylite}; the system property {@value #ALLOWLIST_PROPERTY} adds patterns, separated by
 * {@code ;}, for example {@code com.example.**}. Whatever the patterns, the exceptions of the Java SE
 * modules ({@code java.io.UncheckedIOException}, {@code java.nio.file.NoSuchFileException},
 * {@code java.sql.SQLException}...) are read too, so that a task's own exception reaches
 * {@code get} as it does in one JVM: they hold messages, causes and stack frames, nothing to run.
 *
 * <p>Thread-safe and stateless apart from its filter and class loader.
 */
public final class AllowlistCodec implements ValueCodec {
  /** Extra allowlist patterns, separated by {@code ;}. */
  public static final String ALLOWLIST_PROPERTY = "raylite.serialization.allowlist";
  private static final String DEFAULT_PATTERNS = "java.lang.*;java.lang.invoke.SerializedLambda;"
      + "java.util.*;java.util.concurrent.*;java.util.concurrent.atomic.*;java.time.*;java.math.*;"
      + "io.raylite.**";
  private static final int SERIALIZED = 0;

  private final String patterns;
  private final ObjectInputFilter filter;
  private final ClassLoader loader;
  private final JavaSerializationCodec arrays = new JavaSerializationCodec();

  /** The default allowlist plus the system property's patterns; classes from {@code loader}. */
  public AllowlistCodec(ClassLoader loader) {
    this(defaultPatterns(), loader);
  }

  /** An allowlist of exactly these patterns (every other class is refused, except the Java SE exceptions). */
  public AllowlistCodec(String patterns, ClassLoader loader) {
    this.patterns = Objects.requireNonNull(patterns, "patterns");
    this.filter = ObjectInputFilter.Config.createFilter(patterns + ";!*");
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  /** The default patterns and those of {@value #ALLOWLIST_PROPERTY}. */
  public static String defaultPatterns() {
    String extra = System.getProperty(ALLOWLIST_PROPERTY, "").strip();
    return extra.isEmpty() ? DEFAULT_PATTERNS : DEFAULT_PATTERNS + ";" + extra;
  }

  /** The allowlist's patterns, for logs. */
  public String patterns() {
    return patterns;
  }

  /** A name for logs. */
  @Override
  public String toString() {
    return "Java serialization under the allowlist " + patterns;
  }

  /**
   * Writes {@code value}.
   *
   * @throws NotSerializableException naming the first class in the object graph that cannot be written
   */
  @Override
  public void encode(Object value, OutputStream out) throws IOException {
    if (value != null && value.getClass().isArray() && value.getClass().componentType().isPrimitive()
        && value.getClass() != boolean[].class) {
      arrays.encode(value, out);
      return;
    }
    out.write(SERIALIZED);
    ObjectOutputStream objects = new ObjectOutputStream(out);
    objects.writeObject(value);
    objects.flush();
  }

  /** As {@link #encode(Object, OutputStream)}, into a new array. */
  @Override
  public byte[] encode(Object value) throws IOException {
    long exact = exactSize(value);
    ExactBytes bytes = new ExactBytes(exact > 0 ? (int) exact : 64);
    encode(value, bytes);
    return bytes.array();
  }

  /** The encoded size of a primitive array (tag, length, elements), else -1. */
  private static long exactSize(Object value) {
    if (value == null || !value.getClass().isArray() || !value.getClass().componentType().isPrimitive()
        || value.getClass() == boolean[].class) {
      return -1;
    }
    long size = 5 + (long) java.lang.reflect.Array.getLength(value) * elementBytes(value.getClass().componentType());
    return size < Integer.MAX_VALUE - 16 ? size : -1;
  }

  private static int elementBytes(Class<?> type) {
    return type == byte.class ? 1 : type == short.class || type == char.class ? 2
        : type == int.class || type == float.class ? 4 : 8;
  }

  /** A byte stream that hands back its buffer without a copy when it is exactly full. */
  private static final class ExactBytes extends ByteArrayOutputStream {
    ExactBytes(int size) {
      super(size);
    }

    byte[] array() {
      return count == buf.length ? buf : toByteArray();
    }
  }

  /**
   * Reads back a value written by {@link #encode}.
   *
   * @throws InvalidClassException naming the class if the allowlist refuses it
   * @throws ClassNotFoundException if a class of the stream is not on this JVM's class path
   */
  @Override
  public Object decode(InputStream in) throws IOException, ClassNotFoundException {
    BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 1 << 16);
    buffered.mark(1);
    int tag = buffered.read();
    if (tag != SERIALIZED) {
      buffered.reset();
      return arrays.decode(buffered);
    }
    RefusedClass refused = new RefusedClass(filter);
    try (ObjectInputStream objects = new LoaderObjectInputStream(buffered, loader)) {
      objects.setObjectInputFilter(refused);
      return objects.readObject();
    } catch (InvalidClassException e) {
      if (refused.name != null) {
        InvalidClassException named = refusal(refused.name);
        named.initCause(e);
        throw named;
      }
      throw e;
    }
  }

  /** As {@link #decode(InputStream)}, from an array. */
  @Override
  public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    return decode(new ByteArrayInputStream(bytes));
  }

  /**
   * Whether the allowlist lets a stream hold instances of {@code type} (for an array, of its
   * element type): it matches a pattern, or it is one of the Java SE exceptions read whatever the
   * patterns. For another codec that applies the same rules.
   */
  public boolean allows(Class<?> type) {
    Class<?> element = type;
    while (element.isArray()) {
      element = element.componentType();
    }
    if (element.isPrimitive()) {
      return true;
    }
    ObjectInputFilter.Status status = filter.checkInput(new OneClass(element));
    return status == ObjectInputFilter.Status.ALLOWED || isJavaSeException(element);
  }

  /** The error for a class the allowlist refuses, saying how to allow it. */
  public static InvalidClassException refusal(String className) {
    return new InvalidClassException(className, "not on the serialization allowlist; add a pattern such as '"
        + packagePattern(className) + "' to -D" + ALLOWLIST_PROPERTY + " on every node and driver");
  }

  /** The filter's view of one class, as a stream naming it presents it. */
  private record OneClass(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
    @Override
    public long arrayLength() {
      return -1;
    }

    @Override
    public long depth() {
      return 1;
    }

    @Override
    public long references() {
      return 0;
    }

    @Override
    public long streamBytes() {
      return 0;
    }
  }

  private static String packagePattern(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(0, dot) + ".*";
  }

  /** The filter, remembering the first class it refused, for the error message. */
  private static final class RefusedClass implements ObjectInputFilter {
    private final ObjectInputFilter delegate;
    private String name;

    RefusedClass(ObjectInputFilter delegate) {
      this.delegate = delegate;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Status status = delegate.checkInput(info);
      if (status == Status.REJECTED && isJavaSeException(info.serialClass())) {
        return Status.ALLOWED;
      }
      if (status == Status.REJECTED && name == null && info.serialClass() != null) {
        Class<?> type = info.serialClass();
        while (type.isArray()) {
          type = type.componentType();
        }
        name = type.getName();
      }
      return status;
    }
  }

  /**
   * A Throwable in a {@code java.*} package of a {@code java.*} module: only the JDK's loaders can
   * define classes there, so the name cannot be borrowed by an application class. {@code javax.*}
   * classes of those modules are not included: {@code javax.management.BadAttributeValueExpException}
   * is a known deserialization gadget's entry point.
   */
  private static boolean isJavaSeException(Class<?> type) {
    if (type == null || !Throwable.class.isAssignableFrom(type)) {
      return false;
    }
    String module = type.getModule().getName();
    return module != null && module.startsWith("java.") && type.getPackageName().startsWith("java.");
  }

  /** Resolves classes with the codec's loader first, then as serialization does. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
