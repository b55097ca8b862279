package io.raylite.cluster;

import io.raylite.spi.AllowlistCodec;
import io.raylite.spi.ValueCodec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.fory.Fory;
import org.apache.fory.config.Language;
import org.apache.fory.io.ForyInputStream;
import org.apache.fory.logging.LogLevel;
import org.apache.fory.logging.LoggerFactory;
import org.apache.fory.memory.MemoryBuffer;

/*
 * Implementation overview
 *
 * The cluster's codec: Apache Fory for objects, under the same allowlist and class rules as
 * AllowlistCodec, whose Java serialization and raw primitive-array format stay as the fallback.
 *
 * Format: one tag byte. FORY is followed by Fory's encoding; any other tag is AllowlistCodec's
 * (0: Java serialization, 1..7: the raw elements of a primitive array), read by AllowlistCodec.
 * Primitive arrays other than boolean[] always take the raw form: it is exact-sized and copied in
 * bulk, and it is what large objects mostly are. Java serialization is used for a value Fory fails
 * to write (a class whose writeObject uses stream features Fory's emulation lacks): the value is
 * written by Java instead, and read back by Java under the same allowlist.
 *
 * Class rules, the same as Java serialization's under AllowlistCodec:
 * - writing: every class Fory builds a serializer for must be Serializable (Fory itself would write
 *   any class), so a value that could not cross to another node fails at the submitting call,
 *   naming its class; Fory's own list of known gadget classes refuses others;
 * - reading: every class named in the stream goes through the ClassChecker before Fory resolves a
 *   serializer for it, let alone builds an instance (for a lambda, before its capturing class is
 *   asked to build it): it is loaded without being initialized and AllowlistCodec.allows decides.
 *   A refused class throws out of the read at once; its name is remembered and reported. A Class
 *   object inside a value is loaded (never initialized) without that check, as nothing is built.
 *
 * Threads: a Fory instance is not thread-safe, and the checker of a reading instance holds the
 * name it refused; so instances are borrowed from two pools (writers, readers), one caller at a
 * time, and returned after use. The pools are lock-free queues; they grow to the number of callers
 * at once (workers, reply handlers). A reading instance is strict whatever it did before, since
 * it never writes. An instance whose call failed is dropped, not returned: Fory does not promise
 * to reset its state after an exception.
 */
/**
 * The codec of cluster mode: Apache Fory, with Java serialization as the fallback, under the
 * serialization allowlist ({@link AllowlistCodec}). {@link Provider} makes it the codec of
 * {@code serializeArguments(true)} when this module is on the class path. Thread-safe.
 */
public final class ForyCodec implements ValueCodec {
  /** The tag of a Fory encoding; AllowlistCodec's tags are 0..7. */
  private static final int FORY = 0x46;
  /**
   * Fory's bound on the depth of a graph it reads (its default, 50, is far below what Java
   * serialization reads). Fory does not apply it when writing, so a lower bound would let a value
   * be sent that its reader then refuses; the bound that holds is the reading thread's stack, whose
   * overflow fails the read with an IOException, as a write's overflow fails the write.
   */
  private static final int MAX_DEPTH = Integer.MAX_VALUE;
  /** A pooled writer keeps its buffer only up to this size, so a large value's buffer is not retained. */
  private static final int KEPT_BUFFER = 1 << 20;
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");

  static {
    LoggerFactory.setLogLevel(LogLevel.ERROR_LEVEL);  // Fory logs every generated serializer at INFO
  }

  private final AllowlistCodec java;
  private final ClassLoader loader;
  private final ConcurrentLinkedQueue<Writer> writers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Reader> readers = new ConcurrentLinkedQueue<>();

  /** The default allowlist plus the system property's patterns; classes from {@code loader}. */
  public ForyCodec(ClassLoader loader) {
    this(new AllowlistCodec(loader), loader);
  }

  /** Under the allowlist of {@code java}, which also writes what Fory cannot. */
  public ForyCodec(AllowlistCodec java, ClassLoader loader) {
    this.java = Objects.requireNonNull(java, "java");
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  @Override
  public String toString() {
    return "Apache Fory (Java serialization where Fory cannot) under the allowlist " + java.patterns();
  }

  /* ---------------- Writing ---------------- */

  @Override
  public byte[] encode(Object value) throws IOException {
    if (isRawArray(value)) {
      return java.encode(value);
    }
    Writer w = writers.poll();
    if (w == null) {
      w = new Writer();
    }
    byte[] bytes;
    try {
      w.buffer.writerIndex(0);
      w.buffer.writeByte(FORY);
      w.fory.serialize(w.buffer, value);
      bytes = w.buffer.getBytes(0, w.buffer.writerIndex());
    } catch (RuntimeException | StackOverflowError e) {
      return fallback(value, e);
    }
    if (w.buffer.size() > KEPT_BUFFER) {
      w.buffer = MemoryBuffer.newHeapBuffer(256);
    }
    writers.add(w);
    return bytes;
  }

  @Override
  public void encode(Object value, OutputStream out) throws IOException {
    if (isRawArray(value)) {
      java.encode(value, out);
    } else {
      out.write(encode(value));
    }
  }

  /** Java serialization for a value Fory failed to write, unless the value is not Serializable at all. */
  private byte[] fallback(Object value, Throwable foryFailure) throws IOException {
    for (Throwable t = foryFailure; t != null; t = t.getCause()) {
      if (t instanceof NotSerializable refused) {
        NotSerializableException e = new NotSerializableException(refused.getMessage());
        e.initCause(foryFailure);
        throw e;
      }
    }
    try {
      byte[] bytes = java.encode(value);
      LOG.log(System.Logger.Level.DEBUG, () -> "Fory could not write a " + value.getClass().getName()
          + "; Java serialization wrote it instead", foryFailure);
      return bytes;
    } catch (IOException | RuntimeException e) {
      e.addSuppressed(foryFailure);
      throw e;
    } catch (StackOverflowError e) {
      throw new NotSerializableException("a graph too deep for this thread's stack (" + value.getClass().getName()
          + ")");
    }
  }

  private static boolean isRawArray(Object value) {
    return value != null && value.getClass().isArray() && value.getClass().componentType().isPrimitive()
        && value.getClass() != boolean[].class;
  }

  /** Refuses to build a serializer for a class that Java serialization could not write either. */
  private static final class NotSerializable extends RuntimeException {
    NotSerializable(Class<?> type) {
      super(type.getName(), null, false, false);
    }
  }

  private final class Writer {
    final Fory fory = newFory();
    MemoryBuffer buffer = MemoryBuffer.newHeapBuffer(256);

    Writer() {
      fory.getClassResolver().setClassChecker((resolver, name) -> true);  // Fory's gadget list still applies
      refuseBuiltInsThatAreNotSerializable(fory);
      fory.getClassResolver().setSerializerFactory((f, type) -> {
        if (!Serializable.class.isAssignableFrom(type) && !type.isArray() && !type.isPrimitive()) {
          throw new NotSerializable(type);
        }
        return null;  // Fory's own serializer
      });
    }
  }

  /**
   * Fory has its own serializers for a few JDK classes that Java serialization refuses (Object,
   * Optional, byte buffers): they bypass the serializer factory, so they get one that refuses them,
   * as Java serialization would. Sub-lists are the exception: Fory writes them as lists, and its
   * collection serializers cannot be replaced.
   */
  private static void refuseBuiltInsThatAreNotSerializable(Fory fory) {
    for (Class<?> type : fory.getClassResolver().getRegisteredClasses()) {
      if (type.getName().startsWith("java.") && !Serializable.class.isAssignableFrom(type) && !type.isPrimitive()
          && !type.isArray() && type != Void.class && !java.util.Collection.class.isAssignableFrom(type)) {
        fory.registerSerializer(type, new Refusing(fory, type));
      }
    }
  }

  /** The serializer of a class that Java serialization could not write either. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class Refusing extends org.apache.fory.serializer.Serializer {
    Refusing(Fory fory, Class<?> type) {
      super(fory, type);
    }

    @Override
    public void write(MemoryBuffer buffer, Object value) {
      throw new NotSerializable(type);
    }

    @Override
    public Object read(MemoryBuffer buffer) {
      throw new NotSerializable(type);
    }
  }

  /* ---------------- Reading ---------------- */

  @Override
  public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    if (bytes.length == 0 || (bytes[0] & 0xff) != FORY) {
      return java.decode(bytes);
    }
    return read(bytes, null);
  }

  @Override
  public Object decode(InputStream in) throws IOException, ClassNotFoundException {
    BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 1 << 16);
    buffered.mark(1);
    int tag = buffered.read();
    if (tag != FORY) {
      buffered.reset();
      return java.decode(buffered);
    }
    return read(null, buffered);
  }

  /** Reads Fory's encoding, from {@code bytes} after the tag, or else from {@code in}. */
  private Object read(byte[] bytes, InputStream in) throws IOException, ClassNotFoundException {
    Reader r = readers.poll();
    if (r == null) {
      r = new Reader();
    }
    r.refused = null;
    Object value;
    try {
      value = bytes != null ? r.fory.deserialize(MemoryBuffer.fromByteArray(bytes, 1, bytes.length - 1))
          : r.fory.deserialize(new ForyInputStream(in));
    } catch (RuntimeException | StackOverflowError e) {
      if (r.refused != null) {
        InvalidClassException named = AllowlistCodec.refusal(r.refused);
        named.initCause(e);
        throw named;
      }
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ClassNotFoundException missing) {
          throw missing;
        }
        if (t instanceof IOException io) {
          throw io;
        }
      }
      throw new IOException("cannot read a Fory-encoded value: " + rootCause(e), e);
    }
    readers.add(r);
    return value;
  }

  /** Stops a read at a class the allowlist refuses. */
  private static final class Refused extends RuntimeException {
    Refused(String name) {
      super(name + " is not on the serialization allowlist", null, false, false);
    }
  }

  /**
   * The innermost cause, shortened: Fory's own exceptions list every object read so far, which
   * has no place in an error message.
   */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root instanceof StackOverflowError ? "the graph is too deep for this thread's stack" : root.toString();
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private final class Reader {
    final Fory fory = newFory();
    /** The first class the checker refused during the current read; only its borrower touches it. */
    String refused;

    Reader() {
      // Throws rather than answering false: Fory does not act on a false answer for every class it
      // reads (a lambda's capturing class is resolved regardless), an exception stops it there.
      fory.getClassResolver().setClassChecker((resolver, name) -> {
        if (allows(name)) {
          return true;
        }
        if (refused == null) {
          refused = name;
        }
        throw new Refused(name);
      });
      refuseBuiltInsThatAreNotSerializable(fory);
      fory.getClassResolver().setSerializerFactory((f, type) -> {
        if (!Serializable.class.isAssignableFrom(type) && !type.isArray() && !type.isPrimitive()) {
          throw new NotSerializable(type);  // no honest writer sends one
        }
        return null;
      });
    }
  }

  /** Whether the allowlist lets a stream hold the class named {@code name}: loaded, never initialized. */
  private boolean allows(String name) {
    Class<?> type;
    try {
      type = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return true;  // Fory then fails to load it too, and the reader reports the missing class
    }
    return java.allows(type);
  }

  private Fory newFory() {
    return Fory.builder()
        .withLanguage(Language.JAVA)
        .requireClassRegistration(false)  // the checker above decides instead
        .suppressClassRegistrationWarnings(true)
        .withRefTracking(true)  // shared references and cycles, as Java serialization keeps them
        .withClassLoader(loader)
        .withMaxDepth(MAX_DEPTH)
        .build();
  }

  /** Makes {@link ForyCodec} the codec of {@code serializeArguments(true)}; found with ServiceLoader. */
  public static final class Provider implements ValueCodec.Provider {
    /** For ServiceLoader. */
    public Provider() {}

    @Override
    public ValueCodec create(ClassLoader loader) {
      return new ForyCodec(loader);
    }
  }
}
