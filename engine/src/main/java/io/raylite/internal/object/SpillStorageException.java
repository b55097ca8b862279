package io.raylite.internal.object;

import java.io.IOException;

/**
 * The file system refused a spill: the spill directory could not be created or written, or a
 * write failed (a full disk, for instance). Kept apart from the codec's own failures so that
 * messages say which of the two went wrong.
 */
final class SpillStorageException extends IOException {
  SpillStorageException(String message, IOException cause) {
    super(message + ": " + cause, cause);
  }
}
