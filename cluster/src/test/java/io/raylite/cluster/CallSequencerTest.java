package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallSequencerTest {

  @Test
  void callsInOrder_areHandedBackAtOnce() {
    CallSequencer<String> order = new CallSequencer<>();
    assertEquals(List.of("a0"), order.arrive("a", 0, "a0"));
    assertEquals(List.of("a1"), order.arrive("a", 1, "a1"));
  }

  @Test
  void callThatCameEarly_waitsForTheOnesBeforeIt_thenAllComeInOrder() {
    CallSequencer<String> order = new CallSequencer<>();
    assertEquals(List.of(), order.arrive("a", 2, "a2"));
    assertEquals(List.of(), order.arrive("a", 1, "a1"));
    assertEquals(2, order.early());
    assertEquals(List.of("a0", "a1", "a2"), order.arrive("a", 0, "a0"));
    assertEquals(0, order.early());
  }

  @Test
  void callDeliveredTwice_isHandedBackOnce() {
    CallSequencer<String> order = new CallSequencer<>();
    assertEquals(List.of("a0"), order.arrive("a", 0, "a0"));
    assertEquals(List.of(), order.arrive("a", 0, "a0 again"));
    assertEquals(List.of(), order.arrive("a", 2, "a2"));
    assertEquals(List.of(), order.arrive("a", 2, "a2 again"));
    assertEquals(List.of("a1", "a2"), order.arrive("a", 1, "a1"));
  }

  @Test
  void aCallerWaitingForAGap_doesNotHoldBackAnotherCaller() {
    CallSequencer<String> order = new CallSequencer<>();
    assertEquals(List.of(), order.arrive("a", 1, "a1"));
    assertEquals(List.of("b0"), order.arrive("b", 0, "b0"));
  }

  /** A restarted actor's caller sends again from its floor: the numbers below it are not awaited. */
  @Test
  void floor_takesTheNumbersBelowItAsHandedOut() {
    CallSequencer<String> order = new CallSequencer<>();
    assertEquals(List.of(), order.arrive("a", 6, 5, "a6"));
    assertEquals(List.of("a5", "a6"), order.arrive("a", 5, 5, "a5"));
    assertEquals(List.of(), order.arrive("a", 4, 5, "a4 below the floor"));
  }

  @Test
  void floor_handsBackTheEarlyCallsItReaches() {
    CallSequencer<String> order = new CallSequencer<>();
    assertEquals(List.of(), order.arrive("a", 3, "a3"));
    assertEquals(List.of("a3", "a4"), order.arrive("a", 4, 3, "a4"));
  }

  @Test
  void drainEarly_removesTheWaitingCalls() {
    CallSequencer<String> order = new CallSequencer<>();
    order.arrive("a", 3, "a3");
    order.arrive("b", 1, "b1");
    assertEquals(List.of("a3", "b1"), order.drainEarly().stream().sorted().toList());
    assertEquals(0, order.early());
  }

  /** Three callers' calls shuffled, some twice: each caller's come back once each, in its order. */
  @Test
  void shuffledCallsOfSeveralCallers_comeBackOnceEach_inEachCallersOrder() {
    List<String[]> arrivals = new ArrayList<>();
    for (String caller : List.of("a", "b", "c")) {
      for (int i = 0; i < 2_000; i++) {
        arrivals.add(new String[] {caller, String.valueOf(i)});
        if (i % 7 == 0) {
          arrivals.add(new String[] {caller, String.valueOf(i)});
        }
      }
    }
    Collections.shuffle(arrivals, new Random(42));
    CallSequencer<String[]> order = new CallSequencer<>();
    java.util.Map<String, List<Integer>> ran = new java.util.HashMap<>();
    for (String[] a : arrivals) {
      for (String[] ready : order.arrive(a[0], Long.parseLong(a[1]), a)) {
        ran.computeIfAbsent(ready[0], c -> new ArrayList<>()).add(Integer.parseInt(ready[1]));
      }
    }
    List<Integer> expected = java.util.stream.IntStream.range(0, 2_000).boxed().toList();
    for (String caller : List.of("a", "b", "c")) {
      assertEquals(expected, ran.get(caller), "caller " + caller);
    }
  }
}
