package io.raylite;

/**
 * How long an actor lives, as Ray's {@code ActorLifetime} ({@code lifetime="detached"} in Python).
 * Set with {@link ActorCreation#lifetime}; see {@link ActorHandle} for the rule.
 */
public enum ActorLifetime {
  /**
   * The default: the actor lives while a handle to it is reachable, and ends, once its queued and
   * running calls have returned, when none is, or when it is killed or the runtime closes.
   */
  NON_DETACHED,
  /**
   * The actor lives until it is killed or the runtime closes, whether or not a handle to it is
   * reachable: name it to find it again with {@link Raylite#getActor}.
   */
  DETACHED
}
