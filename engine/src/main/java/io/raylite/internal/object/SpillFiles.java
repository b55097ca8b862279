package io.raylite.internal.object;

import io.raylite.spi.SpillCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One runtime's spill directory and the files in it: one file per spilled object, named after its
 * id, written and read with the runtime's {@link SpillCodec}.
 *
 * <p>The directory is created on the first spill, inside the configured parent (the system temp
 * directory by default), with a name unique to this runtime, so a runtime that never spills leaves
 * nothing behind and two runtimes never share files. {@link #close} deletes every file and the
 * directory.
 *
 * <p>Threads: any number of files are written, read and deleted at once under the read side of
 * {@code lock}; close takes the write side, so it waits for the I/O in progress and no file is
 * created after the directory is gone.
 */
final class SpillFiles {
  private static final int BUFFER = 1 << 16;

  private final Path parent;
  private final String prefix;
  private final SpillCodec codec;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Created by the first write. Guarded by this. */
  private Path directory;
  /** Deletes the directory if the JVM exits without close. Guarded by this. */
  private Thread onExit;
  /** Set once by close. Guarded by lock. */
  private boolean closed;

  SpillFiles(Path parent, String runtimeName, SpillCodec codec) {
    this.parent = parent;
    this.prefix = "raylite-" + runtimeName.replaceAll("[^A-Za-z0-9._-]", "_") + "-";
    this.codec = codec;
  }

  SpillCodec codec() {
    return codec;
  }

  /** Writes {@code value} as the spill file of {@code entry}; returns the file's size in bytes. */
  long write(ObjectEntry entry, Object value) throws IOException {
    lock.readLock().lock();
    try {
      checkOpen();
      Path file = directory().resolve(name(entry));
      try (OutputStream out = new BufferedOutputStream(
          Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), BUFFER)) {
        codec.encode(value, out);
      } catch (IOException | RuntimeException e) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      return Files.size(file);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Reads back the value in the spill file of {@code entry}. */
  Object read(ObjectEntry entry) throws IOException {
    lock.readLock().lock();
    try {
      checkOpen();
      try (InputStream in = new BufferedInputStream(Files.newInputStream(directory().resolve(name(entry))), BUFFER)) {
        return codec.decode(in);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Deletes the spill file of {@code entry}, if any; after close there is nothing left to delete. */
  void delete(ObjectEntry entry) throws IOException {
    lock.readLock().lock();
    try {
      Path dir = directoryIfCreated();
      if (!closed && dir != null) {
        Files.deleteIfExists(dir.resolve(name(entry)));
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Where the spill file of {@code entry} is or would be, for messages. */
  String describe(ObjectEntry entry) {
    Path dir = directoryIfCreated();
    return (dir != null ? dir : parent.resolve(prefix + "*")).resolve(name(entry)).toString();
  }

  /** The runtime's spill directory, or null while nothing has been spilled. */
  synchronized Path directoryIfCreated() {
    return directory;
  }

  /** Deletes every spill file and the directory. Idempotent. */
  void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Path dir = directoryIfCreated();
      if (dir == null) {
        return;
      }
      IOException failure = null;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          try {
            Files.deleteIfExists(f);
          } catch (IOException e) {
            failure = addTo(failure, e);
          }
        }
      } catch (IOException e) {
        failure = addTo(failure, e);
      }
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        failure = addTo(failure, e);
      }
      synchronized (this) {
        if (onExit != null && Thread.currentThread() != onExit) {
          try {
            Runtime.getRuntime().removeShutdownHook(onExit);
          } catch (IllegalStateException exiting) {
            // Closed from another shutdown hook: ours still runs, and finds nothing left to do.
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void closeOnExit() {
    try {
      close();
    } catch (IOException e) {
      System.getLogger("io.raylite").log(System.Logger.Level.WARNING, "cannot delete spill directory {0}: {1}",
          directoryIfCreated(), e.toString());
    }
  }

  private static IOException addTo(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
  }

  private synchronized Path directory() throws IOException {
    if (directory == null) {
      Files.createDirectories(parent);
      directory = Files.createTempDirectory(parent, prefix);
      onExit = new Thread(this::closeOnExit, prefix + "spill-cleanup");
      Runtime.getRuntime().addShutdownHook(onExit);
    }
    return directory;
  }

  private static String name(ObjectEntry entry) {
    return entry.idString() + ".spill";
  }
}
