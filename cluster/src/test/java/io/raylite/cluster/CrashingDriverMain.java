package io.raylite.cluster;

import io.raylite.ActorHandle;
import io.raylite.ActorLifetime;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A driver for FateSharingTest, run as a JVM of its own that the test kills with
 * {@code destroyForcibly()}: it creates a non-detached actor named {@value #OWNED}, a detached one
 * named {@value #DETACHED} on the node of resource "anchor" (both in namespace {@value #NAMESPACE}),
 * and two tasks that park on the node of resource "fate" (one running, one queued behind it),
 * prints {@value #READY} once the actors answer and both tasks are sent, and then waits until it
 * is killed.
 *
 * <p>Arguments: the address of a node. The secret comes from {@code -Draylite.secret}.
 */
public final class CrashingDriverMain {
  static final String NAMESPACE = "fate";
  static final String OWNED = "owned-by-crashing-driver";
  static final String DETACHED = "detached-from-crashing-driver";
  static final String READY = "crashing-driver-ready";
  static final String TASK_STARTED = "crashing-driver-task-started";

  private CrashingDriverMain() {}

  /** An actor that answers where it lives. */
  public static class Probe {
    public String where() {
      return Raylite.context().nodeId();
    }
  }

  /** Parks until cancelled; bounded, so that a broken cancel cannot keep a worker for ever. */
  static String park() throws InterruptedException {
    Raylite.context().log(TASK_STARTED);
    new CountDownLatch(1).await(10, TimeUnit.MINUTES);
    return "not cancelled";
  }

  public static void main(String[] args) throws Exception {
    Raylite ray = Raylite.builder().address(args[0]).build();
    ActorHandle<Probe> owned = ray.actor(Probe::new).name(OWNED, NAMESPACE).resource("fate", 1)
        .maxRestarts(2).remote();
    ActorHandle<Probe> detached = ray.actor(Probe::new).name(DETACHED, NAMESPACE).resource("anchor", 1)
        .lifetime(ActorLifetime.DETACHED).remote();
    System.out.println("owned actor on " + ray.get(owned.task(Probe::where).remote(), Duration.ofMinutes(2)));
    System.out.println("detached actor on " + ray.get(detached.task(Probe::where).remote(), Duration.ofMinutes(2)));
    ObjectRef<String> running = ray.task(CrashingDriverMain::park).resource("fate", 1).remote();
    ObjectRef<String> queued = ray.task(CrashingDriverMain::park).resource("fate", 1).remote();
    System.out.println(READY + " " + running + " " + queued);
    System.out.flush();
    new CountDownLatch(1).await();  // until killed
  }
}
