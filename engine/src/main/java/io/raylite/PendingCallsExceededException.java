package io.raylite;

/**
 * A call was submitted to an actor that already had as many calls queued or running as its
 * {@link ActorCreation#maxPendingCalls} allows. Thrown by {@link ActorCall#remote()}; the call is not
 * submitted. Wait for some of the earlier calls' results, then submit again.
 */
public class PendingCallsExceededException extends RayliteException {
  /** Creates the exception with its message. */
  public PendingCallsExceededException(String message) {
    super(message);
  }
}
