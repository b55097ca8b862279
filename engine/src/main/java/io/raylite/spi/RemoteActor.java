package io.raylite.spi;

import io.raylite.function.RayFunc;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * An actor that lives on another node, as an {@code ActorHandle} of a cluster runtime holds it.
 * Implementations are thread-safe and {@link java.io.Serializable}: a handle written into a task's
 * arguments travels as its {@code RemoteActor}, which binds itself, when read, to the runtime of
 * the node that reads it.
 */
public interface RemoteActor {

  /** The actor's id, unique in the cluster. */
  String id();

  /** The node the actor lives on now. */
  String nodeId();

  /** The name given at creation, if any. */
  Optional<String> name();

  /** The runtime whose refs this actor's calls produce (the one the handle was bound to). */
  io.raylite.Raylite runtime();

  /**
   * Starts a call at submission, on the caller's thread: checks and encodes its arguments (those
   * whose bit is set in {@code refMask} are refs, left for {@link Call#send}) and takes the call's
   * place in this caller's order. Every call returned must be either sent or abandoned, once.
   *
   * @throws IllegalArgumentException naming the argument and its class if one cannot be sent
   * @throws io.raylite.ActorDiedException if the actor is known to be dead
   */
  Call call(RayFunc method, Object[] args, int refMask, String callName, String group, boolean async);

  /**
   * As {@link #call(RayFunc, Object[], int, String, String, boolean)}, for a call queued in the
   * actor's mailbox with {@code priority} (see {@code ActorCall.priority}).
   */
  Call call(RayFunc method, Object[] args, int refMask, String callName, String group, boolean async, int priority);

  /**
   * As {@link #call(RayFunc, Object[], int, String, String, boolean, int)}, for a streaming
   * generator method: each value it yields goes to {@code items} as it arrives, in order, before
   * the stage of {@link Call#send} completes (with null, or the method's failure).
   *
   * @throws IllegalArgumentException if {@code method} returns void
   */
  Call generatorCall(RayFunc method, Object[] args, int refMask, String callName, String group, int priority,
      TaskBackend.Items items);

  /** Kills the actor on its node; see {@code Raylite.kill(ActorHandle, boolean)}. */
  void kill(boolean noRestart);

  /** One call, between its submission and the moment its arguments are ready. */
  interface Call {
    /**
     * Sends the call with its arguments, refs replaced by their stored values (which may be
     * {@link TaskBackend.RemoteValue}s). The stage completes with the method's result, or with
     * the failure its ref is to report (a {@link io.raylite.RayliteException}, such as
     * {@code TaskFailedException} or {@code ActorDiedException}), on a thread of the backend's.
     */
    CompletionStage<Object> send(Object[] values);

    /**
     * The call will never be sent (an argument failed): the actor's node stops waiting for it, so
     * that the caller's later calls run.
     */
    void abandon();
  }
}
