package io.raylite.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/*
 * Implementation overview
 *
 * Restores each caller's order of the calls to one actor. Every call carries its caller and its
 * sequence number among that caller's calls to the actor (0, 1, 2...); calls may arrive out of
 * order (batches from one caller travel on several executor threads, a call waits for its
 * ObjectRef arguments before it leaves). arrive() hands back the calls that are now next in their
 * caller's order, in that order, and keeps a call that came early until the calls before it came.
 * A call whose number was handed out already (delivered twice) is dropped, so none runs twice.
 * Different callers are independent: their calls interleave in the order they become next.
 *
 * Not thread-safe: the actor's host calls it under the actor's lock, and submits what it hands
 * back under the same lock, so that the local mailbox receives each caller's calls in order.
 */
final class CallSequencer<T> {
  private final Map<String, Caller<T>> callers = new HashMap<>();

  /** One caller: the next number to hand out, and the calls that came before their turn. */
  private static final class Caller<T> {
    long next;
    final TreeMap<Long, T> early = new TreeMap<>();
  }

  /** The calls that are next in their caller's order now that {@code call} arrived; empty if it came early. */
  List<T> arrive(String caller, long seq, T call) {
    Caller<T> c = callers.computeIfAbsent(caller, k -> new Caller<>());
    if (seq < c.next || c.early.containsKey(seq)) {
      return List.of();  // delivered twice
    }
    if (seq > c.next) {
      c.early.put(seq, call);
      return List.of();
    }
    List<T> ready = new ArrayList<>(1 + c.early.size());
    ready.add(call);
    c.next++;
    for (T t; (t = c.early.remove(c.next)) != null; c.next++) {
      ready.add(t);
    }
    return ready;
  }

  /**
   * As {@link #arrive(String, long, Object)}, after taking the caller's numbers below {@code floor}
   * as handed out: a restarted actor's caller sends again only its calls from {@code floor} on.
   */
  List<T> arrive(String caller, long seq, long floor, T call) {
    Caller<T> c = callers.computeIfAbsent(caller, k -> new Caller<>());
    if (floor <= c.next) {
      return arrive(caller, seq, call);
    }
    c.early.headMap(floor).clear();
    c.next = floor;
    List<T> ready = new ArrayList<>();
    for (T t; (t = c.early.remove(c.next)) != null; c.next++) {
      ready.add(t);
    }
    ready.addAll(arrive(caller, seq, call));
    return ready;
  }

  /** Every call still waiting for an earlier one, removed: for an actor that died. */
  List<T> drainEarly() {
    List<T> waiting = new ArrayList<>();
    for (Caller<T> c : callers.values()) {
      waiting.addAll(c.early.values());
      c.early.clear();
    }
    return waiting;
  }

  /** How many calls wait for an earlier one. */
  int early() {
    int n = 0;
    for (Caller<T> c : callers.values()) {
      n += c.early.size();
    }
    return n;
  }
}
