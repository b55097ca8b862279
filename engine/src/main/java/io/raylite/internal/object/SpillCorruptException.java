package io.raylite.internal.object;

import java.io.IOException;

/**
 * A spill file does not hold what the runtime wrote to it: it is missing, its length or checksum
 * differ from its {@link SpillSeal}, or it holds a value of another class. The object store turns
 * it into an {@link io.raylite.ObjectLostException}, or rebuilds the object from its task.
 */
final class SpillCorruptException extends IOException {
  SpillCorruptException(String message) {
    super(message);
  }

  SpillCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
