package io.raylite.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs each example's main as a user would and checks what it prints. */
class ExamplesTest {

  @FunctionalInterface
  interface Main {
    void run(String[] args) throws Exception;
  }

  /** The lines main printed to System.out. */
  private static List<String> linesPrintedBy(Main main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, UTF_8));
    try {
      main.run(new String[0]);
    } finally {
      System.setOut(original);
    }
    String printed = bytes.toString(UTF_8);
    original.print(printed);
    return printed.lines().toList();
  }

  @Test
  void quickstart_printsTheNumberOfPrimesBelowTwoMillion() throws Exception {
    assertEquals(List.of("primes below 2000000: 148933"), linesPrintedBy(Quickstart::main));
  }

  @Test
  void tasksExample_printsResultsRetriesAndTheTasksOwnException() throws Exception {
    assertEquals(List.of(
        "square(3) + 1 = 10",
        "read on attempt 1",
        "fib(15) = 610",
        "ready after wait: 1 of 2",
        "squares: [16, 25]",
        "divide failed: java.lang.ArithmeticException: / by zero"),
        linesPrintedBy(TasksExample::main));
  }

  @Test
  void actorsExample_keepsStateAcrossCallsAndFailsCallsAfterKill() throws Exception {
    assertEquals(List.of("k = /data/initial!", "after kill: ActorDiedException"),
        linesPrintedBy(ActorsExample::main));
  }

  @Test
  void actorPatternsExample_reportsThroughItsOwnHandleMapsInOrderAndPassesLinesThroughAQueue()
      throws Exception {
    assertEquals(List.of("['to be or not': 4]", "words per line: [2, 3, 0, 1]", "taken: [x, y, z]",
        "then: QueueEmptyException"), linesPrintedBy(ActorPatternsExample::main));
  }

  @Test
  void actorLifetimesExample_findsNamesInTheirNamespaceAndKeepsADetachedActor() throws Exception {
    assertEquals(List.of("shop counter: 2", "audit counter: 1", "ticket: 1"),
        linesPrintedBy(ActorLifetimesExample::main));
  }

  @Test
  void asyncActorExample_completesEachRefWithItsFuturesValue() throws Exception {
    assertEquals(List.of("lengths: [5, 6, 3]"), linesPrintedBy(AsyncActorExample::main));
  }

  @Test
  void generatorsExample_splitsTwoReturnValuesAndStreamsBatchesInOrder() throws Exception {
    assertEquals(List.of("evens [0, 2, 4], odds [1, 3, 5]", "got batch 0", "got batch 1", "got batch 2"),
        linesPrintedBy(GeneratorsExample::main));
  }

  @Test
  void objectsExample_spillsReadsBackAndLosesFreedObjects() throws Exception {
    assertEquals(List.of("sum of block 9: 900000.0", "spilled: true", "block 0 after free: ObjectLostException"),
        linesPrintedBy(ObjectsExample::main));
  }

  @Test
  void placementGroupsExample_runsWorkInItsBundlesAndGivesThemBackOnRemoval() throws Exception {
    assertEquals(List.of("sum: 1.5", "CREATED, free CPUs outside the group: 0.0", "REMOVED, free CPUs: 4.0"),
        linesPrintedBy(PlacementGroupsExample::main));
  }

  @Test
  void hangsExample_explainsTheWaitAndFailsTheDeadlockNamingItsCycle() throws Exception {
    List<String> lines = linesPrintedBy(HangsExample::main);
    assertEquals(5, lines.size(), () -> String.join("\n", lines));
    assertEquals("WAITING_FOR_ARGUMENTS", lines.get(0));
    assertTrue(lines.get(1).contains("task 'train'") && lines.get(1).contains("waits for its argument"), lines.get(1));
    assertTrue(lines.get(2).contains("task 'load'") && lines.get(2).contains("is RUNNING for"), lines.get(2));
    assertEquals("model of rows", lines.get(3));
    assertTrue(lines.get(4).startsWith("deadlock of 3: [call 'HangsExample.Ping.serve'"), lines.get(4));
    assertTrue(lines.get(4).contains("'HangsExample.Ping.ask'")
        && lines.get(4).contains("'HangsExample.Ping.answer'"), lines.get(4));
  }

  @Test
  void resourcesExample_packsFractionsAndRejectsAnInfeasibleRequest() throws Exception {
    List<String> lines = linesPrintedBy(ResourcesExample::main);
    assertEquals(5, lines.size(), () -> String.join("\n", lines));
    assertEquals("0.5-GPU tasks held: [0.5, 0.5, 0.5, 0.5]", lines.get(0));
    assertEquals("a 2-GPU task got devices [0, 1]", lines.get(1));
    assertEquals("a.csv with 1.0 disk", lines.get(2));
    assertTrue(lines.get(3).startsWith("infeasible: ") && lines.get(3).contains("GPU"), lines.get(3));
    assertEquals("disk in total: 2.0", lines.get(4));
  }

  @Test
  void stateExample_listsTheRunningTaskThenItsResultAsTheLargestObject() throws Exception {
    List<String> lines = linesPrintedBy(StateExample::main);
    assertEquals(5, lines.size(), () -> String.join("\n", lines));
    assertTrue(lines.get(0).matches("StateExample.hold is running on worker \\d+"), lines.get(0));
    assertEquals("running tasks: 1", lines.get(1));
    assertEquals("resources listed: [CPU, memory]", lines.get(2));
    assertEquals("objects before the result: 0", lines.get(3));
    assertEquals("largest object: 800 kB from task-1, 100000 longs", lines.get(4));
  }
}
