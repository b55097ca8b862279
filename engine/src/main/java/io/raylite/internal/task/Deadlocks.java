package io.raylite.internal.task;

import io.raylite.DeadlockException;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.resource.Allocation;
import io.raylite.internal.resource.ResourceLedger;
import io.raylite.internal.resource.ResourceWaits;
import java.util.ArrayList;
import java.util.List;

/*
 * Implementation overview
 *
 * Finds wait-for cycles that can never resolve, when a get blocks: no thread polls for them.
 *
 * Graph: a node is a task or an actor call (WaitNode). Its edges are what it waits for now (its
 * Step): the object of the get it is blocked in; its unready arguments (it needs all of them, so
 * one that never comes holds it forever); the resources it is queued for; or, for a queued actor
 * call, the running calls that fill its group's concurrency (it starts when any of them returns,
 * so it is held forever only if all of them are). An object leads to its producer.
 *
 * Search: when a get blocks, check() walks depth first from the new edge, keeping the path of
 * nodes it came through. A node already on the path closes a cycle: each node on it waits for the
 * next, so none can go on. A queued task closes one through resources when its shape could not
 * fit even if every allocation were free except those kept by the blocked tasks on the path:
 * their GPUs, memory and custom resources, which a blocked task keeps (its CPUs are lent, so CPUs
 * never close a cycle), and the resources of a blocked actor call's actor, held for its lifetime. Anything not definite ends the walk with "no": a get with a timeout (it
 * ends by itself), a running node not blocked in get, an actor being created, a chain deeper than
 * MAX_DEPTH. Reporting only what can never resolve matters more than finding every deadlock.
 *
 * Late edges: a get that blocks on a task still waiting for its arguments cannot know yet whether
 * the task will need resources that the waiter keeps. So gets that keep more than CPUs are listed
 * (Engine.keepingWaits) while they block, and a task that needs more than CPUs and is queued
 * checks from each of them (queued); the list is empty, and the check one read, in the common case.
 *
 * Races: the walk reads volatile state without locks while the graph changes. A deadlock's nodes
 * do not change (that is what makes it one), so check() walks twice and reports only a cycle found
 * both times through the very same blocked gets; a get that the report reaches after it returned
 * is not failed (BlockedGet.end). Every blocked get on the cycle is failed with a
 * DeadlockException: the caller's by throwing, the others by BlockedGet.breakWith.
 */
public final class Deadlocks {
  /** How many nodes deep a walk goes before it gives up (and reports nothing). */
  static final int MAX_DEPTH = 256;

  private Deadlocks() {}

  /**
   * Checks whether {@code root}, just published, closes a cycle; if so, fails the other gets on it
   * and returns the exception for the caller to throw, else null.
   */
  static DeadlockException check(ResourceLedger ledger, BlockedGet root) {
    if (root.timed) {
      return null;  // it ends by itself
    }
    List<WaitNode> cycle = new Search(ledger).from(root);
    if (cycle == null) {
      return null;
    }
    List<BlockedGet> gets = blockedGets(cycle);
    List<WaitNode> again = new Search(ledger).from(root);
    if (again == null || !again.equals(cycle) || !blockedGets(again).equals(gets)) {
      return null;  // the graph changed under the walk: not a deadlock
    }
    // Which get closes the cycle is a race: name it from the same member whichever get found it.
    int first = 0;
    for (int i = 1; i < cycle.size(); i++) {
      if (cycle.get(i).cycleOrder() < cycle.get(first).cycleOrder()) {
        first = i;
      }
    }
    List<String> names = new ArrayList<>(cycle.size());
    for (int i = 0; i < cycle.size(); i++) {
      names.add(cycle.get((first + i) % cycle.size()).describe());
    }
    DeadlockException mine = null;
    for (BlockedGet get : gets) {
      if (get == root) {
        mine = new DeadlockException(names);
      } else {
        get.breakWith(new DeadlockException(names));
      }
    }
    return mine;
  }

  /**
   * A task that needs more than CPUs was just queued: it may close a cycle through resources with a
   * get that blocked before it was queued (while it waited for its arguments). Checks from each
   * such get, and fails every get of a cycle found, that one's included.
   */
  static void queued(Engine engine) {
    if (engine.keepingWaits.isEmpty()) {
      return;
    }
    for (BlockedGet get : engine.keepingWaits) {
      DeadlockException own = check(engine.scheduler.ledger(), get);
      if (own != null) {
        get.breakWith(own);
      }
    }
  }

  private static List<BlockedGet> blockedGets(List<WaitNode> cycle) {
    List<BlockedGet> gets = new ArrayList<>();
    for (WaitNode node : cycle) {
      BlockedGet get = node.blockedGet();
      if (get != null) {
        gets.add(get);
      }
    }
    return gets;
  }

  /** One depth-first walk; see the overview. */
  private static final class Search {
    private final ResourceLedger ledger;
    private final ArrayList<WaitNode> path = new ArrayList<>();
    /** The allocations kept by the blocked nodes on the path, parallel to path (null: none kept). */
    private final ArrayList<Allocation> kept = new ArrayList<>();
    private List<WaitNode> cycle;

    Search(ResourceLedger ledger) {
      this.ledger = ledger;
    }

    /** The cycle that {@code root} is on or waits for, in wait-for order, or null. */
    List<WaitNode> from(BlockedGet root) {
      push(root.node, root.held);
      return heldForever(root.entry) ? cycle : null;
    }

    private boolean heldForever(ObjectEntry entry) {
      return !entry.isDone() && entry.producer instanceof WaitNode producer && heldForever(producer);
    }

    private boolean heldForever(WaitNode node) {
      int at = indexOnPath(node);
      if (at >= 0) {
        cycle = List.copyOf(path.subList(at, path.size()));
        return true;
      }
      if (path.size() >= MAX_DEPTH) {
        return false;
      }
      WaitNode.Step step = node.step();
      return switch (step) {
        case null -> false;
        case WaitNode.Blocked(BlockedGet get) -> !get.timed && through(node, get.held, () -> heldForever(get.entry));
        case WaitNode.Arguments(List<ObjectEntry> unready) -> through(node, null, () -> {
          for (ObjectEntry argument : unready) {
            if (heldForever(argument)) {
              return true;
            }
          }
          return false;
        });
        case WaitNode.Behind(List<WaitNode> running) -> !running.isEmpty() && through(node, null, () -> {
          for (WaitNode call : running) {
            if (!heldForever(call)) {
              return false;
            }
          }
          return true;
        });
        case WaitNode.Resources(var shape) -> {
          List<Allocation> keeping = new ArrayList<>();
          int first = -1;
          for (int i = 0; i < kept.size(); i++) {
            Allocation a = kept.get(i);
            if (a != null && ResourceWaits.keepsMoreThanCpu(a)) {
              if (!keeping.contains(a)) {
                keeping.add(a);  // a task run inline borrows its waiter's allocation: count it once
              }
              first = first < 0 ? i : first;
            }
          }
          if (first < 0 || ResourceWaits.fitsBeside(ledger, shape, keeping)) {
            yield false;
          }
          List<WaitNode> found = new ArrayList<>(path.subList(first, path.size()));
          found.add(node);
          cycle = List.copyOf(found);
          yield true;
        }
      };
    }

    /** Runs {@code next} with {@code node} on the path. */
    private boolean through(WaitNode node, Allocation held, java.util.function.BooleanSupplier next) {
      push(node, held);
      try {
        return next.getAsBoolean();
      } finally {
        path.removeLast();
        kept.removeLast();
      }
    }

    private void push(WaitNode node, Allocation held) {
      path.add(node);
      kept.add(held);
    }

    /** Where {@code node} is on the path, or -1; paths are short, so a scan beats a map. */
    private int indexOnPath(WaitNode node) {
      for (int i = 0; i < path.size(); i++) {
        if (path.get(i) == node) {
          return i;
        }
      }
      return -1;
    }
  }
}
