package io.raylite;

import java.util.List;
import java.util.Objects;

/**
 * Why an object is or is not ready, as {@link Raylite#explain(ObjectRef)} finds it now: what
 * produces it, what that producer waits for, and, in {@code blockers}, the same explanation for
 * each thing it waits for, so that following the chain leads to the root of a hang. Its
 * {@link #toString()} is the readable form, one line per link, indented by depth.
 *
 * @param objectId the object's id
 * @param reason why it is (not) ready, as a constant for programs
 * @param producer the task or actor call that produces the object ({@code task 'name' (t-3)}), or
 *     null for a put object or one whose producer is gone
 * @param detail the explanation in words
 * @param blockers the explanations of what the producer waits for: its unready arguments, or the
 *     object it is blocked on in {@code get}; empty when it waits for nothing of this kind
 */
public record Explanation(String objectId, Reason reason, String producer, String detail,
    List<Explanation> blockers) {

  /** Why an object is or is not ready. */
  public enum Reason {
    /** Ready: {@code get} returns its value at once. */
    READY,
    /** Failed, cancelled or lost: {@code get} throws at once; the detail says why. */
    FAILED,
    /** The producing task waits for some of its {@code ObjectRef} arguments (the blockers). */
    WAITING_FOR_ARGUMENTS,
    /** The producing task's arguments are ready, but the resources it asks for are not free. */
    WAITING_FOR_RESOURCES,
    /** The producing task has its resources and is about to start. */
    STARTING,
    /** The producer is running and not waiting for any object. */
    RUNNING,
    /** The producer is running but blocked in {@code get} of another object (the blocker). */
    BLOCKED_IN_GET,
    /** The producing actor call is queued behind other calls of its actor. */
    ACTOR_CALL_QUEUED,
    /** The producing actor call waits for its actor to be created or restarted. */
    ACTOR_NOT_READY,
    /** The explanation was cut off: the chain is longer than {@link Explanation#MAX_DEPTH} or loops back. */
    NOT_FOLLOWED
  }

  /** How many links of a chain of blockers are followed. */
  public static final int MAX_DEPTH = 16;

  /** Checks the fields and copies {@code blockers}. */
  public Explanation {
    Objects.requireNonNull(objectId, "objectId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    blockers = List.copyOf(blockers);
  }

  /** Whether the object is ready or has failed, so that {@code get} does not wait. */
  public boolean isDone() {
    return reason == Reason.READY || reason == Reason.FAILED;
  }

  /** The explanation as lines: this object, then each blocker indented below the one it blocks. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    append(out, 0);
    return out.toString();
  }

  private void append(StringBuilder out, int depth) {
    if (depth > 0) {
      out.append('\n').append("  ".repeat(depth)).append("<- ");
    }
    out.append("object ").append(objectId).append(": ").append(detail);
    for (Explanation blocker : blockers) {
      blocker.append(out, depth + 1);
    }
  }
}
