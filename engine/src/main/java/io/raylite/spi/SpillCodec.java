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

  /**
   * Reads back a value written by {@link #encode}, knowing what was written: the stream holds
   * exactly {@code length} bytes (already checked against the checksum taken when it was written),
   * and the value written was of class {@code valueClass}. A codec should refuse (with an
   * {@code IOException}) to allocate more than the stream can hold, and to build a value of
   * another class; the store checks the class of what comes back in any case. The default
   * calls {@link #decode(InputStream)}.
   */
  default Object decode(InputStream in, long length, Class<?> valueClass) throws IOException {
    return decode(in);
  }
}
