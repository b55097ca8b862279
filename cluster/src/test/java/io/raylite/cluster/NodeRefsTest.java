package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.OwnerDiedException;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refs made in tasks on nodes (a put, a nested task's result) that leave their node: returned to
 * the driver, passed to tasks on other nodes, and what happens to them when their owner dies.
 *
 * <p>Setup: a {@code maker} node, and two {@code spot} nodes each with a resource of its own
 * ({@code a}, {@code b}). The tests that kill a node run last, and kill one spot node only: the one
 * an anchor object landed on (the victim); the other survives.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeRefsTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 1", "--cpus 2 --resource maker=1",
      "--cpus 2 --resource spot=1 --resource a=1", "--cpus 2 --resource spot=1 --resource b=1");
  private static final double SOME = 0.01;
  private static final Duration LONG = Duration.ofMinutes(2);

  private static Raylite ray;

  /** A value too large to travel inline; says where it was made. */
  record Payload(String node, long[] data) implements Serializable {
    static Payload here() {
      return new Payload(Raylite.context().nodeId(), new long[4096]);
    }
  }

  @BeforeAll
  static void connect() {
    ray = CLUSTER.driver();
  }

  private static String maker() {
    return CLUSTER.node(1).nodeId;
  }

  /* ---------------- Refs that leave their node ---------------- */

  @Test
  @Order(1)
  void get_ofARefPutInATaskOnANode_returnsItsValueFromThatNode() {
    ObjectRef<ObjectRef<Payload>> outer =
        ray.task(() -> Raylite.current().put(Payload.here())).resource("maker", SOME).remote();
    ObjectRef<Payload> inner = ray.get(outer, LONG);
    Payload value = ray.get(inner, LONG);
    assertEquals(maker(), value.node());
    assertArrayEquals(new long[4096], value.data());
  }

  @Test
  @Order(1)
  void aListOfRefsReturnedFromANodeTask_givesEachValue() {
    ObjectRef<List<ObjectRef<String>>> outer = ray.task(() -> {
      Raylite here = Raylite.current();
      return List.of(here.put("put on " + Raylite.context().nodeId()),
          here.task(() -> "nested on " + Raylite.context().nodeId()).resource("maker", SOME).remote());
    }).resource("maker", SOME).remote();
    List<ObjectRef<String>> refs = ray.get(outer, LONG);
    assertEquals(List.of("put on " + maker(), "nested on " + maker()), ray.get(refs, LONG));
  }

  @Test
  @Order(1)
  void aRefMadeOnANode_passedToATaskOnAnotherNode_givesThatTaskItsValue() {
    ObjectRef<ObjectRef<Payload>> outer =
        ray.task(() -> Raylite.current().put(Payload.here())).resource("maker", SOME).remote();
    ObjectRef<Payload> inner = ray.get(outer, LONG);
    ObjectRef<String> read = ray.task((Payload p) -> p.node() + " read on " + Raylite.context().nodeId(), inner)
        .resource("a", SOME).remote();
    assertEquals(maker() + " read on " + CLUSTER.node(2).nodeId, ray.get(read, LONG));
  }

  @Test
  @Order(1)
  void aNestedTaskResultMadeOnANode_passedInsideAValueToATaskOnAnotherNode_isReadThere() {
    // The maker's task hands its nested task's ref, inside a list, to a task on node a.
    ObjectRef<String> read = ray.task(() -> {
      Raylite here = Raylite.current();
      ObjectRef<Payload> made = here.task(Payload::here).resource("maker", SOME).remote();
      return here.get(here.task((List<ObjectRef<Payload>> refs) -> refs.getFirst().get().node() + " read on "
          + Raylite.context().nodeId(), List.of(made)).resource("a", SOME).remote());
    }).resource("maker", SOME).remote();
    assertEquals(maker() + " read on " + CLUSTER.node(2).nodeId, ray.get(read, LONG));
  }

  /** An actor that reads what it is given. */
  public static final class Reader {
    public String read(Payload p) {
      return p.node() + " read by an actor on " + Raylite.context().nodeId();
    }
  }

  @Test
  @Order(1)
  void aRefMadeOnANode_passedToAnActorOnAnotherNode_givesTheCallItsValue() {
    ActorHandle<Reader> reader = ray.actor(Reader::new).resource("a", SOME).remote();
    try {
      ObjectRef<ObjectRef<Payload>> outer =
          ray.task(() -> Raylite.current().put(Payload.here())).resource("maker", SOME).remote();
      ObjectRef<Payload> inner = ray.get(outer, LONG);
      assertEquals(maker() + " read by an actor on " + CLUSTER.node(2).nodeId,
          ray.get(reader.task(Reader::read, inner).remote(), LONG));
    } finally {
      ray.kill(reader);
    }
  }

  /** An actor that keeps what it is given. */
  public static final class Keeper {
    private List<ObjectRef<Payload>> kept = List.of();

    public int keep(List<ObjectRef<Payload>> refs) {
      kept = refs;
      return refs.size();
    }

    public List<ObjectRef<Payload>> kept() {
      return kept;
    }
  }

  @Test
  @Order(1)
  void aRefMadeOnANode_keptByAnActor_reachesTheDriverInTheActorsAnswer() {
    ActorHandle<Keeper> keeper = ray.actor(Keeper::new).resource("a", SOME).remote();
    try {
      ObjectRef<Integer> given = ray.task((ActorHandle<Keeper> k) -> {
        Raylite here = Raylite.current();
        return here.get(k.task(Keeper::keep, List.of(here.put(Payload.here()))).remote());
      }, keeper).resource("maker", SOME).remote();
      assertEquals(1, ray.get(given, LONG));
      List<ObjectRef<Payload>> kept = ray.get(keeper.task(Keeper::kept).remote(), LONG);
      assertEquals(maker(), ray.get(kept.getFirst(), LONG).node());
    } finally {
      ray.kill(keeper);
    }
  }

  @Test
  @Order(1)
  void get_ofANodeMadeRefWhoseTaskFailed_throwsTheTasksOwnException() {
    ObjectRef<ObjectRef<String>> outer = ray.task(() -> Raylite.current().task(NodeRefsTest::fails)
        .resource("maker", SOME).maxRetries(0).remote()).resource("maker", SOME).remote();
    ObjectRef<String> inner = ray.get(outer, LONG);
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(inner, LONG));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertEquals("made to fail", e.getCause().getMessage());
  }

  static String fails() {
    throw new IllegalStateException("made to fail");
  }

  @Test
  @Order(1)
  void aNodeMadeRef_isReleasedOnItsNode_whenTheDriversLastRefIsCollected() throws Exception {
    int before = ray.get(ray.task(() -> ClusterNode.current().sharedRefs()).resource("maker", SOME).remote(), LONG);
    ObjectRef<ObjectRef<Payload>> outer =
        ray.task(() -> Raylite.current().put(Payload.here())).resource("maker", SOME).remote();
    assertEquals(maker(), ray.get(ray.get(outer, LONG), LONG).node());
    outer = null;
    ObjectRef<Boolean> released = ray.task(() -> ClusterNode.current().awaitSharedAtMost(before, LONG))
        .resource("maker", SOME).remote();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    do {
      System.gc();  // the driver's refs, then its store's hold on the borrowed object, are collected
      assertTrue(System.nanoTime() < deadline, "the node never released the object");
    } while (ray.wait(List.of(released), 1, Duration.ofMillis(200)).ready().isEmpty());
    assertTrue(ray.get(released, LONG));
  }

  /* ---------------- The owner dies ---------------- */

  /** What the victim made before it was killed; see killed(). */
  record Killed(String victim, String survivor, String survivorResource, ObjectRef<Payload> putOnVictim,
      ObjectRef<String> nestedOwnedByVictim, ObjectRef<String> readAfterTheKill) {}

  private static Killed killed;

  /** Makes objects on the victim, kills it, and submits a task that reads one of them; once. */
  private static synchronized Killed killed() throws Exception {
    if (killed != null) {
      return killed;
    }
    ObjectRef<Payload> anchor = ray.task(Payload::here).resource("spot", SOME).remote();
    String victim = ray.get(anchor, LONG).node();
    boolean victimIsA = victim.equals(CLUSTER.node(2).nodeId);
    String survivorResource = victimIsA ? "b" : "a";
    String survivor = (victimIsA ? CLUSTER.node(3) : CLUSTER.node(2)).nodeId;
    // Tasks that take the anchor are placed beside its bytes, on the victim.
    ObjectRef<ObjectRef<Payload>> put = ray.task((Payload p) -> Raylite.current().put(Payload.here()), anchor)
        .resource("spot", SOME).remote();
    ObjectRef<Payload> putOnVictim = ray.get(put, LONG);
    ObjectRef<ObjectRef<String>> nested = ray.task((Payload p) -> Raylite.current()
        .task(() -> "made for " + p.node()).resource("maker", SOME).remote(), anchor)
        .resource("spot", SOME).remote();
    ObjectRef<String> nestedOwnedByVictim = ray.get(nested, LONG);
    assertEquals(victim, ray.get(putOnVictim, LONG).node(), "the put was made on the victim");
    CLUSTER.kill(victimIsA ? CLUSTER.node(2) : CLUSTER.node(3));
    // At once, before the driver may have seen the victim go: the survivor's fetch of the anchor
    // may be the first to find its owner gone. maxRetries(0): only a rerun that is not counted helps.
    ObjectRef<String> readAfterTheKill = ray.task((Payload p) -> p.node() + " read on " + Raylite.context().nodeId(),
        anchor).resource(survivorResource, SOME).maxRetries(0).remote();
    killed = new Killed(victim, survivor, survivorResource, putOnVictim, nestedOwnedByVictim, readAfterTheKill);
    return killed;
  }

  @Test
  @Order(2)
  void get_ofAPutObjectWhoseNodeWasKilled_throwsObjectLostNamingTheObjectAndTheNode() throws Exception {
    Killed k = killed();
    ObjectRef<Payload> put = k.putOnVictim();
    ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(put, LONG));
    assertInstanceOf(OwnerDiedException.class, e);
    assertTrue(e.getMessage().contains("owner node " + k.victim()), e.getMessage());
    assertTrue(e.getMessage().contains("object " + k.victim() + "/s"), "names the object: " + e.getMessage());
  }

  @Test
  @Order(2)
  void get_ofANestedTaskResultWhoseOwnerWasKilled_throwsOwnerDied_thoughItsValueLivesElsewhere() throws Exception {
    Killed k = killed();
    ObjectRef<String> nested = k.nestedOwnedByVictim();
    OwnerDiedException e = assertThrows(OwnerDiedException.class, () -> ray.get(nested, LONG));
    assertTrue(e.getMessage().contains("owner node " + k.victim()), e.getMessage());
  }

  @Test
  @Order(2)
  void anArgumentWhoseOwnerDiedAsItWasFetched_isRebuilt_andTheTaskRunsWithIt() throws Exception {
    Killed k = killed();
    assertEquals(k.survivor() + " read on " + k.survivor(), ray.get(k.readAfterTheKill(), LONG));
  }

  @Test
  @Order(3)
  void aTaskGivenARefWhoseOwnerDied_failsWithOwnerDied() throws Exception {
    Killed k = killed();
    ObjectRef<String> read = ray.task((Payload p) -> p.node(), k.putOnVictim()).resource(k.survivorResource(), SOME)
        .remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(read, LONG));
    assertInstanceOf(OwnerDiedException.class, e.getCause());
  }
}
