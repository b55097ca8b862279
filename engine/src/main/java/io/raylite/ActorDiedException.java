package io.raylite;

/**
 * An actor call could not run because its actor died: its constructor threw, a method threw an
 * {@link Error}, it was killed with {@link Raylite#kill}, it ended itself with
 * {@link Raylite#exitActor()}, or its runtime closed, and it had no restart left (or the call had no
 * retry left). {@link #getCause()} is the original failure when there was one. Calls to a dead actor
 * fail at once with this exception.
 */
public class ActorDiedException extends RayliteException {
  /** The actor's name, or its id when it has none. */
  private final String actorName;
  /** The actor's id. */
  private final String actorId;

  /** Creates the exception for the actor named {@code actorName} (or its id), with why it died. */
  public ActorDiedException(String actorName, String actorId, String reason, Throwable cause) {
    super("actor '" + actorName + "' (" + actorId + ") died: " + reason
        + (cause == null ? "" : ": " + summary(cause)), cause);
    this.actorName = actorName;
    this.actorId = actorId;
  }

  /** The actor's name: the one given at creation, else its class name. */
  public String actorName() {
    return actorName;
  }

  /** The actor's id, as {@link ActorHandle#id()}. */
  public String actorId() {
    return actorId;
  }
}
