package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** close() returns after the shutdown grace period even when a task or actor call ignores interrupts. */
class ShutdownTimeoutTest {
  private final Logger logger = Logger.getLogger("io.raylite");
  private final List<LogRecord> warnings = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        synchronized (warnings) {
          warnings.add(record);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile boolean stop;
  private volatile Thread spinner;

  @BeforeEach
  void listen() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopSpinning() throws InterruptedException {
    stop = true;
    logger.removeHandler(capture);
    Thread t = spinner;
    if (t != null) {
      t.join();
    }
  }

  /** Ignores interrupts until the test ends. */
  void spinIgnoringInterrupts() {
    spinner = Thread.currentThread();
    started.countDown();
    while (!stop) {
      Thread.interrupted();
      Thread.onSpinWait();
    }
  }

  /** An actor whose method ignores interrupts. */
  public static final class Spinner {
    private final ShutdownTimeoutTest test;

    public Spinner(ShutdownTimeoutTest test) {
      this.test = test;
    }

    public int spin() {
      test.spinIgnoringInterrupts();
      return 1;
    }
  }

  private static void closeWithin(Raylite ray, Duration patience) throws Exception {
    CompletableFuture<Void> closed = CompletableFuture.runAsync(ray::close);
    closed.get(patience.toSeconds(), TimeUnit.SECONDS);  // throws TimeoutException if close hangs
  }

  private String warningText() {
    StringBuilder text = new StringBuilder();
    synchronized (warnings) {
      for (LogRecord r : warnings) {
        Object[] params = r.getParameters();
        text.append(params == null ? r.getMessage()
            : java.text.MessageFormat.format(r.getMessage(), params)).append('\n');
      }
    }
    return text.toString();
  }

  @Test
  void close_returnsAfterTheShutdownTimeout_whenATaskIgnoresInterrupts() throws Exception {
    Raylite ray = Raylite.builder().cpus(2).shutdownTimeout(Duration.ofMillis(200)).build();
    ray.task(() -> {
      spinIgnoringInterrupts();
      return 0;
    }).name("stubborn").remote();
    started.await();
    closeWithin(ray, Duration.ofSeconds(30));
    assertTrue(ray.isClosed());
  }

  @Test
  void close_warnsNamingTheTaskStillRunningAndWhereItIs() throws Exception {
    Raylite ray = Raylite.builder().cpus(2).shutdownTimeout(Duration.ofMillis(200)).build();
    ray.task(() -> {
      spinIgnoringInterrupts();
      return 0;
    }).name("stubborn").remote();
    started.await();
    closeWithin(ray, Duration.ofSeconds(30));
    String text = warningText();
    assertTrue(text.contains("'stubborn'"), text);
    assertTrue(text.contains("spinIgnoringInterrupts"), text);
  }

  @Test
  void close_leavesOnlyDaemonThreadsBehind_whenATaskIgnoresInterrupts() throws Exception {
    Raylite ray = Raylite.builder().cpus(2).shutdownTimeout(Duration.ofMillis(200)).build();
    ray.task(() -> {
      spinIgnoringInterrupts();
      return 0;
    }).remote();
    started.await();
    closeWithin(ray, Duration.ofSeconds(30));
    assertTrue(spinner.isAlive());
    assertTrue(spinner.isDaemon(), "a thread left running must not keep the JVM alive");
  }

  @Test
  void close_returnsAndNamesTheActorCall_whenAnActorCallIgnoresInterrupts() throws Exception {
    Raylite ray = Raylite.builder().cpus(2).shutdownTimeout(Duration.ofMillis(200)).build();
    ActorHandle<Spinner> actor = ray.actor(Spinner::new, this).name("spinner").remote();
    actor.task(Spinner::spin).remote();
    started.await();
    closeWithin(ray, Duration.ofSeconds(30));
    String text = warningText();
    assertTrue(text.contains("Spinner.spin"), text);
    assertTrue(text.contains("spinIgnoringInterrupts"), text);
  }

  @Test
  void shutdownTimeout_refusesANegativeDuration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Raylite.builder().shutdownTimeout(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("shutdownTimeout"), e.getMessage());
  }
}
