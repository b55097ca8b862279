package io.raylite.examples;

import io.raylite.ActorHandle;
import io.raylite.DeadlockException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** When something hangs: explain, the slow-get warning, and a deadlock that fails instead of hanging. */
public class HangsExample {
  static String load(CompletableFuture<Void> started, CompletableFuture<Void> gate) throws Exception {
    started.complete(null);
    gate.get(30, TimeUnit.SECONDS);  // stands for a slow download
    return "rows";
  }

  static String train(String rows) {
    return "model of " + rows;
  }

  /** Two sequential actors that call each other synchronously. */
  static final class Ping {
    private ActorHandle<Ping> peer;

    void peer(ActorHandle<Ping> other) {
      peer = other;
    }

    String serve() {
      return peer.task(Ping::ask).remote().get();
    }

    String ask() {
      return peer.task(Ping::answer).remote().get();  // the peer is still inside serve()
    }

    String answer() {
      return "pong";
    }
  }

  public static void main(String[] args) throws Exception {
    // region explain
    try (Raylite ray = Raylite.builder().cpus(2).gpus(1)
        .slowGetWarning(Duration.ofSeconds(30))  // a get waiting longer logs the explanation once
        .build()) {
      CompletableFuture<Void> started = new CompletableFuture<>();
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> rows = ray.task(HangsExample::load, started, gate).name("load").remote();
      ObjectRef<String> model = ray.task(HangsExample::train, rows).name("train").numGpus(1).remote();
      started.join();  // explain once 'load' runs
      System.out.println(ray.explain(model).reason());
      System.out.println(ray.explain(model));
      gate.complete(null);
      System.out.println(ray.get(model));
    }
    // endregion explain
    // region deadlock
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Ping> a = ray.actor(Ping::new).name("a").remote();  // maxConcurrency 1
      ActorHandle<Ping> b = ray.actor(Ping::new).name("b").remote();
      ray.get(a.task(Ping::peer, b).remote());
      ray.get(b.task(Ping::peer, a).remote());
      try {
        ray.get(a.task(Ping::serve).remote());
      } catch (TaskFailedException e) {
        DeadlockException deadlock = (DeadlockException) e.getCause();
        System.out.println("deadlock of " + deadlock.cycle().size() + ": " + deadlock.cycle());
      }
    }
    // endregion deadlock
  }
}
