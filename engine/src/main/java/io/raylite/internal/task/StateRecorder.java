package io.raylite.internal.task;

import io.raylite.ActorInfo;
import io.raylite.internal.object.StoreObserver;

/**
 * What the state API keeps that the rooms below it would otherwise forget: stored objects (as a
 * {@link StoreObserver}), the lines written with {@code RuntimeContext.log}, and the last row of
 * each actor that died. {@code RuntimeState}, above the actor room, implements it; tasks are kept
 * by the engine's own {@link TaskTable}. Every method may be called from any thread and must not
 * block.
 */
public interface StateRecorder extends StoreObserver {
  /** A line written with {@code RuntimeContext.log}, with its prefix. */
  void logged(String line);

  /** Called under the actor's monitor as it dies, with its last row. */
  void actorDied(long actorSeq, ActorInfo info);
}
