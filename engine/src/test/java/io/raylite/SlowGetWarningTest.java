package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A get that waits longer than the slow-get threshold logs the explanation once. */
@Timeout(60)
class SlowGetWarningTest {
  private final Logger logger = Logger.getLogger("io.raylite.get");
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstWarning = new CountDownLatch(1);
  private final CountDownLatch secondWarning = new CountDownLatch(2);
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(new java.util.logging.SimpleFormatter().formatMessage(record));
        firstWarning.countDown();
        secondWarning.countDown();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(capture);
  }

  static String waitFor(CompletableFuture<Void> gate) throws Exception {
    gate.get(30, TimeUnit.SECONDS);
    return "done";
  }

  @Test
  void getWaitingPastTheThreshold_logsTheExplanationOncePerGet() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).slowGetWarning(Duration.ofMillis(20)).dashboard(false).build()) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> slow = ray.task(SlowGetWarningTest::waitFor, gate).name("sluggish").remote();
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> ray.get(slow));
      assertTrue(firstWarning.await(30, TimeUnit.SECONDS));
      // A second get starts only after the first warned, so when it warns in turn, the first has
      // waited two thresholds: a warning per threshold would show up as a third line.
      CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> ray.get(slow));
      assertTrue(secondWarning.await(30, TimeUnit.SECONDS));
      gate.complete(null);
      assertEquals("done", first.get(30, TimeUnit.SECONDS));
      assertEquals("done", second.get(30, TimeUnit.SECONDS));
      assertEquals(2, warnings.size(), String.join("\n", warnings));
      assertTrue(warnings.getFirst().contains("task 'sluggish'") && warnings.getFirst().contains("RUNNING"),
          warnings.getFirst());
    }
  }

  @Test
  void zeroThreshold_turnsTheWarningOff() throws Exception {
    try (Raylite quiet = Raylite.builder().cpus(1).slowGetWarning(Duration.ZERO).dashboard(false).build();
        Raylite watched = Raylite.builder().cpus(1).slowGetWarning(Duration.ofMillis(20)).dashboard(false).build()) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<String> unwatched = quiet.task(SlowGetWarningTest::waitFor, gate).name("unwatched").remote();
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> quiet.get(unwatched));
      // The watched get starts after the unwatched one, so by the time it warns, the unwatched get
      // has waited longer than the watched runtime's threshold.
      ObjectRef<String> slow = watched.task(SlowGetWarningTest::waitFor, gate).name("sluggish").remote();
      CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> watched.get(slow));
      assertTrue(firstWarning.await(30, TimeUnit.SECONDS));
      gate.complete(null);
      assertEquals("done", first.get(30, TimeUnit.SECONDS));
      assertEquals("done", second.get(30, TimeUnit.SECONDS));
      assertEquals(1, warnings.size(), String.join("\n", warnings));
      assertTrue(warnings.getFirst().contains("task 'sluggish'"), warnings.getFirst());
    }
  }

  @Test
  void negativeThreshold_isRejectedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Raylite.builder().slowGetWarning(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("slowGetWarning"), e.getMessage());
  }
}
