package io.raylite.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/*
 * Implementation overview
 *
 * When a submitter asks a node about answers it has waited for long (lost answers). A task's
 * answer travels on a topic, which does not retry: one lost while the node and the connection
 * both stay up would leave its get waiting for ever, and no membership or connection event says
 * so. So each node with attempts in flight has one one-shot timer: armed when an attempt is sent
 * there and none is armed, it fires `after` later and asks the submitter to check that node's
 * attempts sent at least `after` ago (HazelcastBackend.checkAnswers, a CheckAnswers request; the
 * node says of each whether it still runs, resends its answer, or has none). The check re-arms the
 * timer while the node still has attempts in flight, so a node that runs nothing for this
 * submitter costs nothing, and one that runs long tasks costs one small request per `after`.
 *
 * `armed` holds at most one timer per node: arm() puts one only if absent; the timer removes its
 * own entry before the check runs, so an attempt sent during the check arms the next one.
 */
final class AnswerChecks implements AutoCloseable {
  /** The system property that sets how long an answer may take before its node is asked; seconds. */
  static final String AFTER_PROPERTY = "raylite.cluster.answerCheckSeconds";

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("raylite-cluster-answer-checks").factory());
  private final Map<String, Object> armed = new ConcurrentHashMap<>();
  private final Duration after;
  private final Consumer<String> check;

  /** @param check checks the node with this member uuid; runs on the timer's thread */
  AnswerChecks(Consumer<String> check) {
    long seconds = Long.parseLong(System.getProperty(AFTER_PROPERTY, "60"));
    if (seconds < 1) {
      throw new IllegalArgumentException(AFTER_PROPERTY + " must be >= 1, got " + seconds);
    }
    this.after = Duration.ofSeconds(seconds);
    this.check = check;
  }

  /** How long an answer may take before its node is asked. */
  Duration after() {
    return after;
  }

  /** An attempt was sent to the node: a check follows within `after`, unless one is armed. */
  void arm(String uuid) {
    if (armed.containsKey(uuid)) {
      return;  // the usual case, once a node is busy: no allocation
    }
    Object mark = new Object();
    if (armed.putIfAbsent(uuid, mark) == null) {
      try {
        timer.schedule(() -> {
          armed.remove(uuid, mark);
          check.accept(uuid);
        }, after.toNanos(), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        armed.remove(uuid, mark);  // the submitter closed: its attempts fail with it, nothing to check
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
