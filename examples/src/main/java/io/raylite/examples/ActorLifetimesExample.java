package io.raylite.examples;

import io.raylite.ActorHandle;
import io.raylite.ActorLifetime;
import io.raylite.Raylite;

/** Namespaces of named actors, and a detached actor that outlives its handles. */
public class ActorLifetimesExample {
  /** Hands out numbers, one after another. */
  public static class Ticketer {
    private int next;

    public Ticketer() {}

    public int take() {
      return ++next;
    }
  }

  /** Creates the ticketer and keeps no handle: detached, it lives on until killed or closed. */
  static void startTicketer(Raylite ray) {
    // region detached
    ray.actor(Ticketer::new).name("tickets").lifetime(ActorLifetime.DETACHED).remote();
    // endregion detached
  }

  public static void main(String[] args) {
    // region namespace
    try (Raylite ray = Raylite.builder().cpus(2).namespace("shop").build()) {
      ActorHandle<Ticketer> orders = ray.actor(Ticketer::new).name("counter").remote();  // in "shop"
      ActorHandle<Ticketer> audit = ray.actor(Ticketer::new).name("counter", "audit").remote();
      ray.get(orders.task(Ticketer::take).remote());
      ActorHandle<Ticketer> found = ray.<Ticketer>getActor("counter").orElseThrow();     // looks in "shop"
      System.out.println("shop counter: " + ray.get(found.task(Ticketer::take).remote()));
      System.out.println("audit counter: "
          + ray.get(ray.<Ticketer>getActor("counter", "audit").orElseThrow().task(Ticketer::take).remote()));
      // endregion namespace
      startTicketer(ray);
      ActorHandle<Ticketer> tickets = ray.<Ticketer>getActor("tickets").orElseThrow();
      System.out.println("ticket: " + ray.get(tickets.task(Ticketer::take).remote()));
      ray.kill(audit);
    }
  }
}
