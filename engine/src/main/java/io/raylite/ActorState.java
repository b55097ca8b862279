package io.raylite;

/** Where an actor is in its life, as {@link StateApi#actors} reports it; the names are Ray's. */
public enum ActorState {
  /** Its constructor's arguments, resources or constructor run are still pending; calls queue up. */
  PENDING_CREATION,
  /** Its instance exists and its calls run. */
  ALIVE,
  /** It failed with a restart left and is being rebuilt; calls queue up. */
  RESTARTING,
  /** Killed, exited, out of restarts, or its runtime closed. Terminal. */
  DEAD
}
