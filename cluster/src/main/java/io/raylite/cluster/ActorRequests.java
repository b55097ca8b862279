package io.raylite.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The requests a caller sends to the node that hosts (or is to host) an actor, through Hazelcast's
 * executor, as NodeRequests are for tasks: each carries the cluster token, checked first, and is
 * handed to the node's {@link ActorHost}. Each is safe to deliver twice: a creation names its actor
 * id, which the node builds once; calls carry their caller's sequence numbers, which the node runs
 * once each; killing a dead actor does nothing. None of them waits for an actor's call.
 */
final class ActorRequests {
  private ActorRequests() {}

  /** The actor host of the node a request arrived at. */
  static ActorHost host(HazelcastInstance hz) {
    Object host = hz.getUserContext().get(ActorHost.USER_CONTEXT_KEY);
    if (host == null) {
      throw new IllegalStateException("member " + hz.getName() + " is not a Raylite node");
    }
    return (ActorHost) host;
  }

  /** Base of the requests: the token, and the member they run on. */
  abstract static class Request<T> implements Callable<T>, HazelcastInstanceAware, Serializable {
    private static final long serialVersionUID = 1L;
    private final String token;
    private transient HazelcastInstance hz;

    Request(String token) {
      this.token = token;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public T call() throws Exception {
      ActorHost host = host(hz);
      host.checkToken(token);
      return run(host);
    }

    abstract T run(ActorHost host) throws Exception;

    /** The member this request runs on. */
    HazelcastInstance hz() {
      return hz;
    }
  }

  /** What the node has free now, as ResourceText, for choosing the node of a new actor. */
  static final class Available extends Request<String> {
    private static final long serialVersionUID = 1L;

    Available(String token) {
      super(token);
    }

    @Override
    String run(ActorHost host) {
      return host.available();
    }
  }

  /** Builds an actor from its encoded {@link ActorWire.Spec}; answers once it is queued to be built. */
  static final class Create extends Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final ActorWire.Address address;
    private final byte[] spec;
    /** The restarts it had before, on nodes that left: 0 for a new actor. */
    private final int restarts;
    /** The creator's reply topic, where what the constructor prints goes; null for none. */
    private final String outputTopic;

    /** A new actor, whose constructor's lines go to {@code outputTopic}. */
    Create(String token, ActorWire.Address address, byte[] spec, String outputTopic) {
      this(token, address, spec, 0, outputTopic);
    }

    Create(String token, ActorWire.Address address, byte[] spec, int restarts) {
      this(token, address, spec, restarts, null);
    }

    private Create(String token, ActorWire.Address address, byte[] spec, int restarts, String outputTopic) {
      super(token);
      this.address = address;
      this.spec = spec;
      this.restarts = restarts;
      this.outputTopic = outputTopic;
    }

    @Override
    Boolean run(ActorHost host) {
      host.create(address, spec, restarts, outputTopic);
      return Boolean.TRUE;
    }
  }

  /** Queues calls in their actors' mailboxes, each in its caller's order; answers come on {@code replyTopic}. */
  static final class Calls extends Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final String replyTopic;
    private final ArrayList<ActorWire.Call> calls;

    Calls(String token, String replyTopic, List<ActorWire.Call> calls) {
      super(token);
      this.replyTopic = replyTopic;
      this.calls = new ArrayList<>(calls);
    }

    @Override
    Boolean run(ActorHost host) {
      host.calls(replyTopic, calls);
      return Boolean.TRUE;
    }
  }

  /** Kills an actor; whether it was alive here. */
  static final class Kill extends Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final String actorId;
    private final boolean noRestart;

    Kill(String token, String actorId, boolean noRestart) {
      super(token);
      this.actorId = actorId;
      this.noRestart = noRestart;
    }

    @Override
    Boolean run(ActorHost host) {
      return host.kill(actorId, noRestart);
    }
  }

  /** Whether an actor is alive on the node, for a name whose holder may have died. */
  static final class Alive extends Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final String actorId;

    Alive(String token, String actorId) {
      super(token);
      this.actorId = actorId;
    }

    @Override
    Boolean run(ActorHost host) {
      return host.alive(actorId);
    }
  }
}
