package io.raylite.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes objects to the object store's spill files and reads them back. The default is
 * {@link JavaSerializationCodec}; set another with {@code Raylite.Builder.spillCodec}.
 *
 * <p>A value the codec cannot write is never dropped: the store keeps it in memory and spills
 * other objects instead. Implementations must be thread-safe (several objects may be written and
 * read at once) and must not call back into the runtime.
 */
public interface SpillCodec {

  /**
   * Whether {@link #encode} can write {@code value}. Called for every object stored, so it must be
   * cheap; a value for which it says true and {@code encode} then fails is kept in memory too.
   */
  boolean canEncode(Object value);

  /** Writes {@code value} to {@code out}; the store buffers and closes the stream. */
  void encode(Object value, OutputStream out) throws IOException;

  /** Reads back a value written by {@link #encode}; the store buffers and closes the stream. */
  Object decode(InputStream in) throws IOException;
}
