package io.raylite.internal.object;

import io.raylite.spi.SpillCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CheckedOutputStream;

/**
 * One runtime's spill directory and the files in it: one file per spilled object, named after its
 * id, written and read with the runtime's {@link SpillCodec}.
 *
 * <p>The directory is created on the first spill, inside the configured parent (the system temp
 * directory by default), with a name unique to this runtime, so a runtime that never spills leaves
 * nothing behind and two runtimes never share files. It is created owner-only and its files 0600
 * (see {@link SpillDirectories}). If it disappears (a temp cleaner deleted it), the next write
 * creates it again; the files that were in it are lost, and reading one reports it. {@link #close}
 * deletes every file and the directory.
 *
 * <p>Verification: each write leaves a {@link SpillSeal} in {@code seals} (length, CRC32C, class);
 * a read checks the file against it before decoding a byte of it, so a changed or planted file is
 * never deserialized, and the value decoded must have the class written.
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
  /** The seal of each spill file written and not yet deleted. */
  private final ConcurrentHashMap<ObjectEntry, SpillSeal> seals = new ConcurrentHashMap<>();

  SpillFiles(Path parent, String runtimeName, SpillCodec codec) {
    this.parent = parent;
    this.prefix = "raylite-" + runtimeName.replaceAll("[^A-Za-z0-9._-]", "_") + "-";
    this.codec = codec;
  }

  SpillCodec codec() {
    return codec;
  }

  /**
   * Writes {@code value} as the spill file of {@code entry}; returns the file's size in bytes.
   *
   * @throws SpillStorageException if the file system refused the directory or the file
   * @throws IOException if the codec failed
   */
  long write(ObjectEntry entry, Object value) throws IOException {
    lock.readLock().lock();
    try {
      checkOpen();
      Path file = directory().resolve(name(entry));
      OutputStream created;
      try {
        created = create(file);
      } catch (NoSuchFileException gone) {
        file = recreateDirectory().resolve(name(entry));  // deleted under us: make it again, once
        created = create(file);
      }
      CheckedOutputStream checked = new CheckedOutputStream(new StorageErrors(created, file), SpillSeal.newChecksum());
      try (OutputStream out = new BufferedOutputStream(checked, BUFFER)) {
        codec.encode(value, out);
      } catch (IOException | RuntimeException e) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        throw new SpillStorageException("cannot read the size of spill file " + file, e);
      }
      seals.put(entry, new SpillSeal(size, (int) checked.getChecksum().getValue(), value.getClass()));
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  private static OutputStream create(Path file) throws IOException {
    try {
      return Channels.newOutputStream(Files.newByteChannel(file,
          EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), SpillDirectories.ownerOnlyFile(file)));
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      throw new SpillStorageException("cannot create spill file " + file, e);
    }
  }

  /**
   * Reads back the value in the spill file of {@code entry}, once the file matches its seal.
   *
   * @throws SpillCorruptException if the file is missing or not what was written
   */
  Object read(ObjectEntry entry) throws IOException {
    lock.readLock().lock();
    try {
      checkOpen();
      SpillSeal seal = seals.get(entry);
      Path dir = directoryIfCreated();
      if (seal == null || dir == null) {
        throw new SpillCorruptException("no spill file of this object was written");
      }
      Path file = dir.resolve(name(entry));
      seal.verify(file);
      Object value;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
        value = codec.decode(in, seal.length(), seal.valueClass());
      } catch (NoSuchFileException e) {
        throw new SpillCorruptException("the file is gone", e);
      }
      seal.checkClass(value);
      return value;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Reports a failed write to the file as the file system's failure, not the codec's. */
  private static final class StorageErrors extends java.io.FilterOutputStream {
    private final Path file;

    StorageErrors(OutputStream out, Path file) {
      super(out);
      this.file = file;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw new SpillStorageException("cannot write spill file " + file, e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (IOException e) {
        throw new SpillStorageException("cannot write spill file " + file, e);
      }
    }
  }

  /** Deletes the spill file of {@code entry}, if any; after close there is nothing left to delete. */
  void delete(ObjectEntry entry) throws IOException {
    lock.readLock().lock();
    try {
      Path dir = directoryIfCreated();
      seals.remove(entry);
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
      seals.clear();
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
      try {
        Files.createDirectories(parent, SpillDirectories.ownerOnlyDirectory(parent));
      } catch (IOException e) {
        throw new SpillStorageException("cannot create spill directory " + parent, e);
      }
      checkParent();
      try {
        directory = Files.createTempDirectory(parent, prefix, SpillDirectories.ownerOnlyDirectory(parent));
      } catch (IOException e) {
        throw new SpillStorageException("cannot create a spill directory in " + parent, e);
      }
      onExit = new Thread(this::closeOnExit, prefix + "spill-cleanup");
      Runtime.getRuntime().addShutdownHook(onExit);
    }
    return directory;
  }

  /** Creates the directory again, at the same path, after something deleted it. */
  private synchronized Path recreateDirectory() throws IOException {
    if (!Files.isDirectory(directory)) {
      try {
        Files.createDirectories(parent, SpillDirectories.ownerOnlyDirectory(parent));
      } catch (IOException e) {
        throw new SpillStorageException("cannot create spill directory " + parent, e);
      }
      checkParent();
      try {
        Files.createDirectory(directory, SpillDirectories.ownerOnlyDirectory(directory));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // created meanwhile by another writer of this runtime
      } catch (IOException e) {
        throw new SpillStorageException("cannot create spill directory " + directory + " again", e);
      }
      System.getLogger("io.raylite").log(System.Logger.Level.WARNING,
          "spill directory {0} was deleted while in use; it was created again, and the objects spilled to it"
              + " before are lost", directory);
    }
    return directory;
  }

  /** The parent may have changed since the runtime started: check it again before using it. */
  private void checkParent() throws IOException {
    try {
      SpillDirectories.checkParent(parent);
    } catch (IllegalArgumentException unsafe) {
      throw new SpillStorageException("refusing to spill", new IOException(unsafe.getMessage(), unsafe));
    }
  }

  private static String name(ObjectEntry entry) {
    return entry.idString() + ".spill";
  }
}
