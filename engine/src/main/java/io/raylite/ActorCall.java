package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.actor.ActorRecord;

/**
 * An actor method call about to be submitted: optionally name it or send it to a concurrency
 * group, then call {@link #remote()}. Created by the {@code task} methods of {@link ActorHandle}.
 * Not thread-safe; each {@code remote()} submits a new call.
 *
 * @param <R> the method's result type ({@link Void} for a void method)
 */
public final class ActorCall<R> {
  private final ActorRecord actor;
  private final int refMask;
  private final RayFunc method;
  private final Object[] args;
  private String name;
  private String group;
  private int priority;

  ActorCall(ActorRecord actor, int refMask, RayFunc method, Object[] args) {
    this.actor = actor;
    this.refMask = refMask;
    this.method = method;
    this.args = args;
  }

  /** The call's name in logs and errors (default: derived from the method, as {@code Counter.add}). */
  public ActorCall<R> name(String callName) {
    if (callName == null || callName.isBlank()) {
      throw new IllegalArgumentException("name must be a non-blank string, got '" + callName + "'");
    }
    this.name = callName;
    return this;
  }

  /**
   * Runs this call in the named {@link ConcurrencyGroup} of the actor, whatever group its method
   * is assigned to. The group must have been declared when the actor was created.
   */
  public ActorCall<R> concurrencyGroup(String groupName) {
    if (groupName == null || groupName.isBlank()) {
      throw new IllegalArgumentException("concurrencyGroup must be a non-blank string, got '" + groupName + "'");
    }
    this.group = groupName;
    return this;
  }

  /**
   * The call's priority in its actor's mailbox (default 0, any int): queued calls of higher
   * priority run first; equal priorities run in submission order. Strict, as for tasks.
   */
  public ActorCall<R> priority(int callPriority) {
    this.priority = callPriority;
    return this;
  }

  /**
   * Submits the call and returns the ref of its result at once. If the actor is dead the ref has
   * already failed with {@link ActorDiedException}.
   *
   * @throws PendingCallsExceededException if the actor already has its maximum of pending calls
   * @throws IllegalArgumentException if the concurrency group was not declared, or an
   *     {@code ObjectRef} argument belongs to another runtime
   * @throws RuntimeClosedException if the runtime was closed
   */
  public ObjectRef<R> remote() {
    return actor.submit(method, args, refMask, name, group, priority);
  }
}
