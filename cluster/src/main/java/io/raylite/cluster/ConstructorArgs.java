package io.raylite.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.spi.ActorHosting;
import io.raylite.spi.PendingObject;
import io.raylite.spi.ValueCodec;
import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/*
 * Implementation overview
 *
 * ObjectRef arguments to the constructor of an actor on a cluster. The caller places the actor at
 * once, as for any actor, with a Pending marker in the Spec in place of each ref, and returns the
 * handle; its node builds the local actor with, at each marked position, a ref of its own runtime
 * (a PendingObject), so the local actor's creation thread waits for them as it waits for any
 * constructor argument, calls queue in its mailbox meanwhile, and a failed argument kills it with
 * that failure, exactly as locally.
 *
 * When the caller's refs are ready (RemoteActorCalls.constructorRefs), the caller sends their
 * values (Values: each an encoded value, or the handle of an object its owner node keeps, as call
 * arguments travel; or the failure of the first that failed) to the actor's node (Deliver), which
 * decodes or fetches each on a virtual thread of its own and completes the pending objects. A
 * restartable actor's values are also put in the ARGS map under its id first, so that a node that
 * rebuilds it after its node left (its Spec still holds the markers) completes them from there.
 *
 * On the node, `waiting` maps an actor id to its pending objects until its values arrive (removed
 * once: a Deliver sent twice, or the map and a Deliver, complete them once) or it dies.
 *
 * Known gap: a restart that reads the ARGS map before the caller puts the values there, while the
 * caller's Deliver still goes to the lost node, leaves the new incarnation waiting; that needs the
 * actor's node to die in the moment between its arguments becoming ready and their delivery.
 */
final class ConstructorArgs {
  /** The cluster-wide map of restartable actors' constructor argument values: actor id to Values. */
  static final String ARGS = "raylite.actor-constructor-args";
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");

  private ConstructorArgs() {}

  /** Stands in a Spec's arguments for the ref at {@code index}, whose value comes later. */
  record Pending(int index) implements Serializable {}

  /**
   * The values of a constructor's ref arguments, by position (null elsewhere): Wire.EncodedArg or
   * Wire.ObjectHandle; or, if one failed, {@code failure} (a Wire.TaskReply of kind FAILED).
   */
  record Values(Object[] wire, Wire.TaskReply failure) implements Serializable {}

  /** {@code args} with a Pending marker at each position whose bit is set in {@code refMask}. */
  static Object[] marked(Object[] args, int refMask) {
    Object[] marked = args.clone();
    for (int i = 0; i < marked.length; i++) {
      if ((refMask & (1 << i)) != 0) {
        marked[i] = new Pending(i);
      }
    }
    return marked;
  }

  /* ---------------- The caller's side ---------------- */

  /**
   * The values to send for {@code refValues} (RemoteActorCalls.constructorRefs' outcome): a value
   * stored on a node travels as its handle, any other encoded here.
   */
  static Values values(ValueCodec codec, String nodeId, String what, Object[] refValues, Throwable failure) {
    if (failure != null) {
      Throwable t = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
          ? c.getCause() : failure;
      return new Values(null, ClusterNode.failure(codec, nodeId, t));
    }
    Object[] wire = new Object[refValues.length];
    try {
      for (int i = 0; i < refValues.length; i++) {
        if (refValues[i] != null) {
          wire[i] = refValues[i] instanceof HazelcastBackend.RemoteObject remote ? remote.handle
              : new Wire.EncodedArg(codec.encodeArgument(what + " constructor", i, refValues[i]));
        }
      }
    } catch (RuntimeException e) {
      return new Values(null, ClusterNode.failure(codec, nodeId, e));
    }
    return new Values(wire, null);
  }

  /**
   * Sends the values to the actor's node {@code now} (where it lives now), after putting them in
   * the ARGS map if it is restartable; never throws, logs what could not be sent.
   */
  static void send(HazelcastInstance hz, String token, ActorWire.Address now, boolean restartable, Values values) {
    try {
      if (restartable) {
        hz.<String, Values>getMap(ARGS).set(now.id(), values);
      }
      Member node = RemoteObjects.memberOf(hz, now.nodeUuid());
      if (node == null) {
        return;  // gone: a restart reads the map, and a non-restartable actor died with its node
      }
      RemoteObjects.ask(hz, new Deliver(token, now.id(), values), node)
          .orTimeout(ClusterActors.SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .whenComplete((ignored, failure) -> {
            if (failure != null && !RemoteObjects.nodeGone(hz, now.nodeUuid(), failure)) {
              LOG.log(System.Logger.Level.WARNING, "could not send the constructor arguments of actor "
                  + now.describe() + "; its constructor waits for them", failure);
            }
          });
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not send the constructor arguments of actor " + now.describe()
          + "; its constructor waits for them", e);
    }
  }

  /** Hands the values of an actor's constructor arguments to the node that hosts it. */
  static final class Deliver extends ActorRequests.Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final String actorId;
    private final Values values;

    Deliver(String token, String actorId, Values values) {
      super(token);
      this.actorId = actorId;
      this.values = values;
    }

    @Override
    Boolean run(ActorHost host) {
      return host.constructorArgs().arrived(actorId, values);
    }
  }

  /* ---------------- The node's side ---------------- */

  /** The constructor arguments a node's actors wait for; see the overview. */
  static final class OnNode {
    private final String nodeId;
    private final ValueCodec codec;
    private final HazelcastInstance hz;
    private final String token;
    private final ExecutorService background;
    private final ConcurrentMap<String, PendingObject[]> waiting = new ConcurrentHashMap<>();

    OnNode(String nodeId, ValueCodec codec, HazelcastInstance hz, String token, ExecutorService background) {
      this.nodeId = nodeId;
      this.codec = codec;
      this.hz = hz;
      this.token = token;
      this.background = background;
    }

    /** A Spec's arguments as the local actor takes them: each Pending marker replaced by a ref of {@code ray}. */
    record Local(Object[] args, int refMask, PendingObject[] pending) {}

    /**
     * The arguments for building actor {@code actorId} here; with markers, its pending objects wait
     * for their values, which a restart ({@code restarts > 0}) reads from the ARGS map at once.
     */
    Local prepare(Raylite ray, String actorId, Object[] specArgs, int restarts) {
      Object[] args = specArgs.clone();
      PendingObject[] pending = new PendingObject[args.length];
      int refMask = 0;
      for (int i = 0; i < args.length; i++) {
        if (args[i] instanceof Pending) {
          pending[i] = ActorHosting.pendingObject(ray);
          args[i] = pending[i].ref();
          refMask |= 1 << i;
        }
      }
      if (refMask == 0) {
        return new Local(args, 0, null);
      }
      waiting.put(actorId, pending);
      if (restarts > 0) {
        background.execute(() -> {
          Values values = hz.<String, Values>getMap(ARGS).get(actorId);
          if (values != null) {
            arrived(actorId, values);
          }
        });
      }
      return new Local(args, refMask, pending);
    }

    /** The values for actor {@code actorId} arrived: resolved on a thread of our own; whether it waited for them. */
    boolean arrived(String actorId, Values values) {
      PendingObject[] pending = waiting.remove(actorId);
      if (pending == null) {
        return false;  // delivered already, or dead
      }
      background.execute(() -> resolve(actorId, pending, values));
      return true;
    }

    /** The actor died: it waits for nothing any more. */
    void forget(String actorId) {
      waiting.remove(actorId);
    }

    private void resolve(String actorId, PendingObject[] pending, Values values) {
      if (values.failure() != null) {
        RayliteException failure = failure(actorId, values.failure());
        for (PendingObject p : pending) {
          if (p != null) {
            p.fail(failure);
          }
        }
        return;
      }
      for (int i = 0; i < pending.length; i++) {
        if (pending[i] == null) {
          continue;
        }
        try {
          Object wire = values.wire()[i];
          pending[i].complete(wire instanceof Wire.EncodedArg encoded
              ? ClusterNode.decode(codec, nodeId, encoded.bytes(), "argument " + i + " of the constructor of actor "
                  + actorId)
              : RemoteObjects.fetch(hz, codec, token, (Wire.ObjectHandle) wire));
        } catch (RuntimeException e) {
          pending[i].fail(e instanceof RayliteException r ? r : new RayliteException("argument " + i
              + " of the constructor of actor " + actorId + " cannot be read on node " + nodeId + ": " + e, e));
        }
      }
    }

    private RayliteException failure(String actorId, Wire.TaskReply reply) {
      Object decoded;
      try {
        decoded = ClusterNode.decode(codec, nodeId, reply.bytes(), "failure of a constructor argument");
      } catch (RuntimeException e) {
        return new RayliteException("an argument of the constructor of actor " + actorId + " failed with "
            + reply.failureText() + ", which cannot be read on node " + nodeId + ": " + e, e);
      }
      return decoded instanceof RayliteException r ? r : new RayliteException("an argument of the constructor of "
          + "actor " + actorId + " failed: " + decoded, (Throwable) decoded);
    }
  }
}
