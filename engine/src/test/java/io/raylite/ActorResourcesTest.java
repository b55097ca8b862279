package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resources an actor holds for its lifetime, GPU devices included. */
@Timeout(60)
class ActorResourcesTest {

  static final class Device {
    List<Integer> gpuIds() {
      return Raylite.context().gpuIds();
    }

    Map<String, Double> resources() {
      return Raylite.context().resources();
    }
  }

  static List<Integer> gpuIdsOf(Raylite ray, ActorHandle<Device> actor) {
    return ray.get(actor.task(Device::gpuIds).remote());
  }

  @Test
  void gpuActors_shareADeviceByFractions_andHoldTheirDevicesForTheirLifetime() {
    try (Raylite ray = Raylite.builder().cpus(2).gpus(2).build()) {
      ActorHandle<Device> halfA = ray.actor(Device::new).numGpus(0.5).remote();
      assertEquals(List.of(0), gpuIdsOf(ray, halfA));
      ActorHandle<Device> halfB = ray.actor(Device::new).numGpus(0.5).remote();
      assertEquals(List.of(0), gpuIdsOf(ray, halfB));
      ActorHandle<Device> whole = ray.actor(Device::new).numGpus(1).remote();
      assertEquals(List.of(1), gpuIdsOf(ray, whole));
      assertEquals(0.0, ray.availableResources().get(Resources.GPU));
      assertEquals(0.5, ray.get(halfA.task(Device::resources).remote()).get(Resources.GPU));

      ActorHandle<Device> waiting = ray.actor(Device::new).numGpus(1).remote();
      ObjectRef<List<Integer>> waitingIds = waiting.task(Device::gpuIds).remote();
      assertEquals(0.0, ray.availableResources().get(Resources.GPU), "the fourth actor waits, taking nothing");

      ray.kill(whole);
      assertEquals(List.of(1), ray.get(waitingIds), "it gets the device the killed actor held");

      ray.kill(halfA);
      ray.kill(halfB);
      ray.kill(waiting);
      assertEquals(2.0, ray.availableResources().get(Resources.GPU));
    }
  }

  @Test
  void actorCpus_areHeldWhileItLives_andReturnedWhenItDies() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Device> actor = ray.actor(Device::new).numCpus(1).remote();
      ray.get(actor.task(Device::gpuIds).remote());
      assertEquals(1.0, ray.availableResources().get(Resources.CPU));
      ray.kill(actor);
      assertEquals(2.0, ray.availableResources().get(Resources.CPU));
    }
  }

  @Test
  void actorByDefault_holdsNoCpu() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ActorHandle<Device> actor = ray.actor(Device::new).remote();
      assertEquals(0.0, ray.get(actor.task(Device::resources).remote()).get(Resources.CPU));
      assertEquals(1.0, ray.availableResources().get(Resources.CPU));
    }
  }

  @Test
  void actorKilledWhileWaitingForResources_takesNone() {
    try (Raylite ray = Raylite.builder().cpus(1).gpus(1).build()) {
      ActorHandle<Device> holder = ray.actor(Device::new).numGpus(1).remote();
      ray.get(holder.task(Device::gpuIds).remote());
      ActorHandle<Device> waiting = ray.actor(Device::new).numGpus(1).remote();
      ObjectRef<List<Integer>> queued = waiting.task(Device::gpuIds).remote();

      ray.kill(waiting);
      assertThrows(ActorDiedException.class, queued::get);
      ray.kill(holder);
      assertEquals(1.0, ray.availableResources().get(Resources.GPU));
    }
  }

  @Test
  void infeasibleActor_failsAtCreation() {
    try (Raylite ray = Raylite.builder().cpus(1).gpus(2).build()) {
      InfeasibleResourceException tooMany = assertThrows(InfeasibleResourceException.class,
          () -> ray.actor(Device::new).numGpus(3).remote());
      assertTrue(tooMany.getMessage().contains("GPU"), tooMany.getMessage());
      assertThrows(InfeasibleResourceException.class, () -> ray.actor(Device::new).resource("TPU", 1).remote());
    }
  }
}
