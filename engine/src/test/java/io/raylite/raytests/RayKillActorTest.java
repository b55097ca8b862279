package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/KillActorTest.java}. Ray's test
 * waits 500 ms to see that the call hangs and sleeps a second for the death notice; here a latch says
 * the call is running, and {@code kill} is synchronous, so no sleep is needed.
 */
@Timeout(60)
class RayKillActorTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static final class HangActor {
    private final CountDownLatch hanging;

    HangActor(CountDownLatch hanging) {
      this.hanging = hanging;
    }

    String ping() {
      return "pong";
    }

    boolean hang() throws InterruptedException {
      hanging.countDown();
      new CountDownLatch(1).await();
      return true;
    }
  }

  static final class KillerActor {
    void kill(ActorHandle<?> actor, boolean noRestart) {
      Raylite.context().runtime().kill(actor, noRestart);
    }
  }

  private ActorHandle<HangActor> hangingActor(CountDownLatch hanging) throws InterruptedException {
    ActorHandle<HangActor> actor = ray.actor(HangActor::new, hanging).maxRestarts(1).remote();
    assertEquals("pong", actor.task(HangActor::ping).remote().get());
    return actor;
  }

  private void assertKilled(ActorHandle<HangActor> actor, ObjectRef<Boolean> hung, boolean noRestart) {
    assertThrows(ActorDiedException.class, hung::get);
    if (noRestart) {
      assertThrows(ActorDiedException.class, () -> actor.task(HangActor::ping).remote().get());
    } else {
      assertEquals("pong", actor.task(HangActor::ping).remote().get());
    }
  }

  @ParameterizedTest(name = "noRestart = {0}")
  @ValueSource(booleans = {false, true})
  void killFromTheDriver_failsTheHangingCall_andRestartsTheActorUnlessNoRestart(boolean noRestart)
      throws InterruptedException {
    CountDownLatch hanging = new CountDownLatch(1);
    ActorHandle<HangActor> actor = hangingActor(hanging);
    ObjectRef<Boolean> hung = actor.task(HangActor::hang).remote();
    assertTrue(hanging.await(30, TimeUnit.SECONDS));
    assertTrue(ray.wait(java.util.List.of(hung), 1, java.time.Duration.ZERO).ready().isEmpty());
    ray.kill(actor, noRestart);
    assertKilled(actor, hung, noRestart);
  }

  @Test
  void killWithoutNoRestart_defaultsToNoRestart() throws InterruptedException {
    CountDownLatch hanging = new CountDownLatch(1);
    ActorHandle<HangActor> actor = hangingActor(hanging);
    ObjectRef<Boolean> hung = actor.task(HangActor::hang).remote();
    assertTrue(hanging.await(30, TimeUnit.SECONDS));
    ray.kill(actor);
    assertKilled(actor, hung, true);
  }

  @ParameterizedTest(name = "noRestart = {0}")
  @ValueSource(booleans = {false, true})
  void killFromAnotherActor_failsTheHangingCall_andRestartsTheActorUnlessNoRestart(boolean noRestart)
      throws InterruptedException {
    CountDownLatch hanging = new CountDownLatch(1);
    ActorHandle<HangActor> actor = hangingActor(hanging);
    ObjectRef<Boolean> hung = actor.task(HangActor::hang).remote();
    assertTrue(hanging.await(30, TimeUnit.SECONDS));
    ActorHandle<KillerActor> killer = ray.actor(KillerActor::new).remote();
    killer.task(KillerActor::kill, actor, noRestart).remote().get();
    assertKilled(actor, hung, noRestart);
  }

  @Test
  void killingADeadActorAgain_doesNothing() {
    ActorHandle<HangActor> actor = ray.actor(HangActor::new, new CountDownLatch(0)).remote();
    ray.kill(actor);
    ray.kill(actor);
    assertThrows(ActorDiedException.class, () -> actor.task(HangActor::ping).remote().get());
  }
}
