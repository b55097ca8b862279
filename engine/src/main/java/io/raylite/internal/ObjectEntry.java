package io.raylite.internal;

import io.raylite.RayliteException;
import java.util.concurrent.CompletableFuture;

/**
 * One object of a runtime: its id, its value once known, and the future that says when it is
 * ready. A put object is ready at once; a task result when its task ends. {@code producer} is the
 * task that will produce it, cleared when it is ready, so that a blocked reader can run that task
 * inline and {@code cancel} can find it.
 *
 * <p>Memory: the value is written before {@code ready} completes, and readers read it only after
 * observing completion, so the future's completion orders the two.
 */
public final class ObjectEntry {
  final long id;
  final LocalRuntime owner;
  final CompletableFuture<Void> ready = new CompletableFuture<>();
  volatile TaskRecord producer;
  private Object value;

  ObjectEntry(long id, LocalRuntime owner, TaskRecord producer) {
    this.id = id;
    this.owner = owner;
    this.producer = producer;
  }

  boolean isDone() {
    return ready.isDone();
  }

  /** Sets the value; returns false if the entry was already complete (for example cancelled). */
  boolean complete(Object result) {
    if (ready.isDone()) {
      return false;
    }
    value = result;
    boolean won = ready.complete(null);
    producer = null;
    return won;
  }

  boolean fail(RayliteException error) {
    boolean won = ready.completeExceptionally(error);
    producer = null;
    return won;
  }

  /** The value of a ready entry, or its failure thrown. */
  Object valueOrThrow() {
    if (ready.isCompletedExceptionally()) {
      throw failure();
    }
    return value;
  }

  /** The failure of an entry that completed exceptionally. */
  RayliteException failure() {
    return (RayliteException) ready.exceptionNow();
  }

  String idString() {
    return String.format("%016x", id);
  }
}
