package io.raylite.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.MultiExecutionCallback;
import com.hazelcast.multimap.MultiMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/*
 * Implementation overview
 *
 * Owner fate-sharing, as Ray ties a non-detached actor and a task to the process that owns them:
 * when a driver (a Hazelcast client, see HazelcastBackend) leaves the cluster without closing its
 * runtime (its JVM crashed or was killed), the nodes kill the non-detached actors it created and
 * cancel, with force, the tasks it placed on them. Detached actors survive it. Actors and tasks
 * created by a task or actor on a node are owned by that node's process, which is a member: when
 * it dies, they follow the node-loss rules (restarts, retries, lineage) of ClusterActors and
 * HazelcastBackend instead, and a driver leaving never restarts anything, since it hosts nothing.
 *
 * What is recorded: a driver puts the address of each non-detached actor it creates in the OWNED
 * multimap under its client uuid before it registers the name or asks a node to build it, and
 * takes it out when it kills the actor for good; its task reply topic is named after its client
 * uuid (taskTopic), so a node knows which attempts it placed without any record.
 *
 * Detection, with Hazelcast's events and no polling: a member's ClientListener hears only of the
 * clients connected to that member, and a smart client holds one connection per member, any of
 * which may drop alone while the client stays. So a member that sees a driver disconnect asks
 * every member, itself included, whether the driver is connected there now (ClientConnected);
 * only if none is does it conclude that the driver left. At least one member concludes so: each
 * member's endpoint is removed before its event fires, so the member whose removal came last
 * finds the driver on no member. Several may conclude; everything that follows is idempotent.
 *
 * What follows, on the member that concluded (on a virtual thread of our own, never on
 * Hazelcast's event threads):
 *   1. DriverGone goes to every member, itself included: each remembers the driver's reply topic
 *      as gone for GONE_MEMORY (ClusterNode.accept then answers a late attempt of it as cancelled
 *      instead of running it) and force-cancels the driver's attempts queued or running there.
 *   2. OWNED.remove(driver) hands the driver's actors to exactly one member, which for each marks
 *      its home dead (so the oldest member's restart logic never rebuilds it; a restart already
 *      under way finds its home changed and kills what it built, see ClusterActors.restart), asks
 *      the node it lives on to reap it (ActorHost.reap: killed for good, and remembered as dead
 *      there, so a creation still on its way is never built), and frees its name, whose holder
 *      must still be that actor (remove(key, value)).
 * A clean close goes the same way: the driver kills its actors itself, empties its OWNED entry,
 * and its attempts still on the nodes are cancelled once its client has left.
 *
 * Threads: the node creates this before its member exists, since a task request may reach
 * ClusterNode.accept (which reads `gone`) while the node is still starting, and calls start() once
 * the member has joined; the fields start() sets are volatile. `gone` is a concurrent cache;
 * `reapers` runs the checks and the reaping; the listener only hands work to it.
 */
final class FateSharing {
  static final String USER_CONTEXT_KEY = "raylite.fateSharing";
  /** The cluster-wide multimap of each driver's non-detached actors: client uuid to ActorWire.Address. */
  static final String OWNED = "raylite.actor-owners";
  /** How long a node remembers a driver that left: longer than a task request may take to arrive. */
  private static final Duration GONE_MEMORY = Duration.ofMinutes(10);
  /** How long each step waits for a node's answer. */
  private static final long ASK_TIMEOUT_SECONDS = 60;
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");

  /** The reply topics of drivers that left, with no value. */
  private final Cache<String, Boolean> gone =
      Caffeine.newBuilder().expireAfterWrite(GONE_MEMORY).maximumSize(100_000).build();
  private final ExecutorService reapers = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("raylite-fate-sharing-", 0).factory());
  private volatile HazelcastInstance hz;
  private volatile String token;
  private volatile String nodeId;
  private volatile ToIntFunction<String> cancelTasksOf;
  private volatile UUID listener;

  /** The reply topic of the tasks a driver with this client uuid places. */
  static String taskTopic(String clientUuid) {
    return "raylite.replies." + clientUuid;
  }

  /** The client uuid of {@code hz} if it is a driver's client; null on a node's member. */
  static String driverOf(HazelcastInstance hz) {
    return hz.getLocalEndpoint() instanceof Client client ? client.getUuid().toString() : null;
  }

  static MultiMap<String, ActorWire.Address> owned(HazelcastInstance hz) {
    return hz.getMultiMap(OWNED);
  }

  /**
   * Starts listening for drivers that leave, on the node's member; {@code cancelTasks} force-cancels
   * every attempt of a reply topic queued or running on this node, and says how many it found.
   */
  void start(HazelcastInstance member, String tokenText, String node, ToIntFunction<String> cancelTasks) {
    this.hz = member;
    this.token = tokenText;
    this.nodeId = node;
    this.cancelTasksOf = cancelTasks;
    member.getUserContext().put(USER_CONTEXT_KEY, this);
    this.listener = member.getClientService().addClientListener(new ClientListener() {
      @Override
      public void clientConnected(Client client) {
      }

      @Override
      public void clientDisconnected(Client client) {
        String uuid = client.getUuid().toString();
        try {
          reapers.execute(() -> disconnected(uuid));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          LOG.log(System.Logger.Level.DEBUG, "node " + nodeId + " is closing; driver " + uuid + " is left to the "
              + "other nodes", closing);
        }
      }
    });
  }

  /** Whether the submitter at {@code replyTopic} is a driver that left the cluster. */
  boolean gone(String replyTopic) {
    return gone.getIfPresent(replyTopic) != null;
  }

  /* ---------------- Detection ---------------- */

  /** The driver left this member: if it is connected to no member now, it left the cluster. */
  private void disconnected(String driver) {
    try {
      if (connectedAnywhere(driver)) {
        return;
      }
      tellEveryMember(driver);
      reapActors(driver);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "node " + nodeId + " could not end the actors and tasks of driver "
          + driver + ", which left the cluster; another node that saw it leave may have", e);
    }
  }

  /** Asks every member, this one too (the driver may have connected to it again after a drop). */
  private boolean connectedAnywhere(String driver) {
    List<Future<Boolean>> answers = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      answers.add(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(new ClientConnected(token, driver), m));
    }
    for (Future<Boolean> answer : answers) {
      try {
        if (answer.get(ASK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          return true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while asking where driver " + driver + " is connected", e);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // A member that left, or cannot say, holds no connection of the driver that matters.
        LOG.log(System.Logger.Level.DEBUG, "a node could not say whether driver " + driver + " is connected to it", e);
      }
    }
    return false;
  }

  /** Sends DriverGone to every member, this one included, without waiting; failures are logged. */
  private void tellEveryMember(String driver) {
    hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToAllMembers(new DriverGone(token, driver),
        new MultiExecutionCallback() {
          @Override
          public void onResponse(Member member, Object value) {
            if (value instanceof Throwable t) {
              LOG.log(System.Logger.Level.WARNING, "node " + member.getAttribute(ClusterConfigs.ATTR_NODE_ID)
                  + " could not cancel the tasks of driver " + driver + ", which left the cluster", t);
            }
          }

          @Override
          public void onComplete(Map<Member, Object> values) {
          }
        });
  }

  /* ---------------- What a driver leaves behind ---------------- */

  /** DriverGone arrived here: this node cancels the driver's attempts, and refuses those still on their way. */
  void driverGone(String driver) {
    String topic = taskTopic(driver);
    // First: an attempt that arrives after the cancel below is refused. Told again (several members
    // concluded), the node cancels again, which does nothing new, and says nothing.
    boolean first = gone.asMap().putIfAbsent(topic, Boolean.TRUE) == null;
    int cancelled = cancelTasksOf.applyAsInt(topic);
    if (first && cancelled > 0) {
      LOG.log(System.Logger.Level.INFO, "node " + nodeId + ": driver " + driver + " left the cluster; its "
          + cancelled + " tasks here are cancelled");
    }
  }

  /** Kills the driver's non-detached actors, on the one member that takes them out of OWNED. */
  private void reapActors(String driver) {
    Collection<ActorWire.Address> actors = owned(hz).remove(driver);
    String why = "its owner, a driver, left the cluster without closing its runtime";
    if (!actors.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "node " + nodeId + ": driver " + driver + " left the cluster; its "
          + actors.size() + " non-detached actors are killed");
    }
    for (ActorWire.Address first : actors) {
      try {
        reap(first, why);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "node " + nodeId + " could not kill actor " + first.describe()
            + " of driver " + driver + ", which left the cluster", e);
      }
    }
  }

  /** See the overview, step 2. */
  private void reap(ActorWire.Address first, String why) {
    Set<ActorWire.Address> places = new LinkedHashSet<>();
    places.add(first);
    var homes = hz.<String, ActorWire.Home>getMap(ClusterActors.HOMES);
    for (ActorWire.Home home = homes.get(first.id()); home != null; home = homes.get(first.id())) {
      places.add(home.address());
      if (home.death() != null || homes.replace(first.id(), home, home.died(why))) {
        break;
      }
    }
    List<Future<Boolean>> kills = new ArrayList<>();
    for (ActorWire.Address at : places) {
      Member node = RemoteObjects.memberOf(hz, at.nodeUuid());
      if (node != null) {
        kills.add(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
            new ReapActor(token, at.id(), why), node));
      }
    }
    for (Future<Boolean> kill : kills) {
      try {
        kill.get(ASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing actor " + first.describe(), e);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.log(System.Logger.Level.WARNING, "a node did not confirm killing actor " + first.describe()
            + " of a driver that left", e);
      }
    }
    if (first.name() != null) {
      var names = hz.<String, ActorWire.Address>getMap(ClusterActors.NAMES);
      for (ActorWire.Address at : places) {
        names.remove(ClusterActors.nameKey(at.namespace(), at.name()), at);
      }
    }
  }

  /** Stops listening; the member's shutdown drops the listener anyway. */
  void close() {
    HazelcastInstance member = hz;
    UUID id = listener;
    try {
      if (member != null && id != null && member.getLifecycleService().isRunning()) {
        member.getClientService().removeClientListener(id);
      }
    } finally {
      reapers.close();
    }
  }

  /* ---------------- Requests ---------------- */

  /** The fate-sharing of the node a request arrived at. */
  private static FateSharing of(HazelcastInstance hz) {
    Object fate = hz.getUserContext().get(USER_CONTEXT_KEY);
    if (fate == null) {
      throw new IllegalStateException("member " + hz.getName() + " is not a Raylite node, or is still starting");
    }
    return (FateSharing) fate;
  }

  /** Whether a driver is connected to the node it runs on. */
  static final class ClientConnected extends ActorRequests.Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final String driver;

    ClientConnected(String token, String driver) {
      super(token);
      this.driver = driver;
    }

    @Override
    Boolean run(ActorHost host) {
      for (Client c : hz().getClientService().getConnectedClients()) {
        if (c.getUuid().toString().equals(driver)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A driver left the cluster: the node cancels its tasks there (see driverGone). */
  static final class DriverGone extends ActorRequests.Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final String driver;

    DriverGone(String token, String driver) {
      super(token);
      this.driver = driver;
    }

    @Override
    Boolean run(ActorHost host) {
      of(hz()).driverGone(driver);
      return true;
    }
  }

  /** Kills an actor of a driver that left, for good, and keeps a creation still on its way from building it. */
  static final class ReapActor extends ActorRequests.Request<Boolean> {
    private static final long serialVersionUID = 1L;
    private final String actorId;
    private final String why;

    ReapActor(String token, String actorId, String why) {
      super(token);
      this.actorId = actorId;
      this.why = why;
    }

    @Override
    Boolean run(ActorHost host) {
      return host.reap(actorId, why);
    }
  }
}
