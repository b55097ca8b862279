package io.raylite.gpu;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the OpenCL objects this module has created and not yet released, by kind. Every create
 * call is followed by {@link #created} once it succeeded, every release by {@link #released}, so
 * the counts are what the driver still holds for us; {@link GpuStats} publishes them.
 */
final class ClObjects {
  /** The kinds of OpenCL object counted. */
  enum Kind {
    CONTEXT, QUEUE, BUFFER, PROGRAM, KERNEL, EVENT
  }

  private static final AtomicLongArray LIVE = new AtomicLongArray(Kind.values().length);

  private ClObjects() {}

  static void created(Kind kind) {
    LIVE.incrementAndGet(kind.ordinal());
  }

  static void released(Kind kind) {
    LIVE.decrementAndGet(kind.ordinal());
  }

  static long live(Kind kind) {
    return LIVE.get(kind.ordinal());
  }
}
