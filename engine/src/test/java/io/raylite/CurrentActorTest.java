package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RuntimeContext#currentActor()}: an actor's own handle, in its methods and constructor only. */
@Timeout(60)
class CurrentActorTest {

  static final class Journal {
    private final List<String> entries = new ArrayList<>();
    private final ActorHandle<Journal> selfAtConstruction;

    Journal() {
      selfAtConstruction = Raylite.context().currentActor();
    }

    ActorHandle<Journal> self() {
      return Raylite.context().currentActor();
    }

    ActorHandle<Journal> selfAtConstruction() {
      return selfAtConstruction;
    }

    void append(String entry) {
      entries.add(entry);
    }

    List<String> entries() {
      return List.copyOf(entries);
    }

    /** Appends before and after sending itself a call: the call runs after this one returns. */
    void appendAroundSelfCall() {
      entries.add("before");
      ActorHandle<Journal> self = Raylite.context().currentActor();
      self.task(Journal::append, "self-call").remote();
      entries.add("after");
    }

    /** Hands itself to a task, which appends through the handle; returns the task's ref. */
    ObjectRef<Void> appendThroughTask(String entry) {
      ActorHandle<Journal> self = Raylite.context().currentActor();
      return Raylite.current().task(CurrentActorTest::appendVia, self, entry).remote();
    }
  }

  static Void appendVia(ActorHandle<Journal> journal, String entry) {
    return Raylite.current().get(journal.task(Journal::append, entry).remote());
  }

  static String currentActorInTask() {
    try {
      Raylite.context().currentActor();
      return "no exception";
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  private Raylite ray;

  @BeforeEach
  void start() {
    ray = Raylite.builder().cpus(2).build();
  }

  @AfterEach
  void stop() {
    ray.close();
  }

  @Test
  void currentActor_inAMethod_isEqualToTheCallersHandle() {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    assertEquals(journal, ray.get(journal.task(Journal::self).remote()));
  }

  @Test
  void currentActor_inTheConstructor_isTheActorsHandle() {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    assertEquals(journal, ray.get(journal.task(Journal::selfAtConstruction).remote()));
  }

  @Test
  void aCallToItself_runsAfterTheRunningCallReturns() {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    journal.task(Journal::appendAroundSelfCall).remote();
    ObjectRef<Void> selfCallDone = ray.get(journal.task(Journal::appendThroughTask, "marker").remote());
    ray.get(selfCallDone);
    assertEquals(List.of("before", "after", "self-call", "marker"),
        ray.get(journal.task(Journal::entries).remote()));
  }

  @Test
  void aTaskHandedTheCurrentActor_callsThatActor() {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    ray.get(ray.get(journal.task(Journal::appendThroughTask, "from a task").remote()));
    assertEquals(List.of("from a task"), ray.get(journal.task(Journal::entries).remote()));
  }

  @Test
  void currentActor_inATask_throwsIllegalStateExceptionNamingTheMethod() {
    String message = ray.get(ray.task(CurrentActorTest::currentActorInTask).remote());
    assertTrue(message.contains("currentActor()"), message);
  }

  @Test
  void theCurrentActorsHandle_failsCallsWithActorDiedException_afterTheActorIsKilled() {
    ActorHandle<Journal> journal = ray.actor(Journal::new).remote();
    ActorHandle<Journal> self = ray.get(journal.task(Journal::self).remote());
    ray.kill(journal);
    ObjectRef<List<String>> afterKill = self.task(Journal::entries).remote();
    assertThrows(ActorDiedException.class, () -> ray.get(afterKill));
  }
}
