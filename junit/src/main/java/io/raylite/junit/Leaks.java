package io.raylite.junit;

import java.util.ArrayList;
import java.util.List;

/** What a test left behind: one line per leak, each with the stack of its thread where one is known. */
final class Leaks {
  private record Leak(String description, StackTraceElement[] stack) {}

  /** Frames of a leak's stack shown in the report; enough to find the user's code below the runtime's. */
  private static final int FRAMES = 24;

  private final List<Leak> leaks = new ArrayList<>();

  void add(String description, StackTraceElement[] stack) {
    leaks.add(new Leak(description, stack));
  }

  Leaks addAll(Leaks other) {
    leaks.addAll(other.leaks);
    return this;
  }

  boolean isEmpty() {
    return leaks.isEmpty();
  }

  /** Fails with an {@link AssertionError} that names every leak, if there is one. */
  void throwIfAny(String test) {
    if (leaks.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder()
        .append(test).append(" left ").append(leaks.size()).append(leaks.size() == 1 ? " leak" : " leaks")
        .append(" in its Raylite runtime:");
    for (Leak leak : leaks) {
      message.append("\n  ").append(leak.description());
      if (leak.stack() != null && leak.stack().length > 0) {
        message.append(", now at:");
        int shown = Math.min(FRAMES, leak.stack().length);
        for (int i = 0; i < shown; i++) {
          message.append("\n      at ").append(leak.stack()[i]);
        }
        if (shown < leak.stack().length) {
          message.append("\n      ... ").append(leak.stack().length - shown).append(" more");
        }
      }
    }
    throw new AssertionError(message.toString());
  }
}
