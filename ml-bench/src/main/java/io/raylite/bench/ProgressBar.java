package io.raylite.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A progress bar on the last line of a terminal, under the lines the experiment prints.
 *
 * <p>Every line goes through {@link #lines()}: tasks print their results from worker threads while
 * the driver advances the bar, so both take this object's lock; a line first erases the bar, then
 * is written whole, then the bar is drawn again below it. Without a terminal (output redirected to
 * a file or a pipe, or in tests) the bar is off and {@link #lines()} is the target stream itself.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;
  private static final String ERASE_LINE = "\r\033[K";

  private final PrintStream target;
  private final PrintStream lines;
  private final boolean enabled;
  // Guarded by this.
  private String label = "";
  private int done;
  private int total;
  private long startNanos;
  private boolean drawn;

  private ProgressBar(PrintStream target, boolean enabled) {
    this.target = target;
    this.enabled = enabled;
    this.lines = enabled ? new PrintStream(new LineSink(), true, StandardCharsets.UTF_8) : target;
  }

  /** A bar on {@code target} when it is the standard output and that is a terminal. */
  static ProgressBar forOutput(PrintStream target) {
    java.io.Console console = System.console();
    boolean terminal = target == System.out && console != null && console.isTerminal();
    return new ProgressBar(target, terminal);
  }

  /** A bar drawn on {@code target} whatever it is, for tests. */
  static ProgressBar onTerminal(PrintStream target) {
    return new ProgressBar(target, true);
  }

  /** Where to print lines so that they appear above the bar. */
  PrintStream lines() {
    return lines;
  }

  boolean enabled() {
    return enabled;
  }

  /** Starts a new bar of {@code steps} steps. */
  synchronized void start(String barLabel, int steps) {
    this.label = barLabel;
    this.done = 0;
    this.total = steps;
    this.startNanos = System.nanoTime();
    draw();
  }

  /** Advances the bar by one step. */
  synchronized void step() {
    done = Math.min(total, done + 1);
    draw();
  }

  /** Erases the bar; lines printed afterwards go straight through. */
  synchronized void finish() {
    if (enabled && drawn) {
      target.print(ERASE_LINE);
      target.flush();
    }
    drawn = false;
    total = 0;
  }

  @Override
  public void close() {
    finish();
  }

  private void draw() {
    if (!enabled || total == 0) {
      return;
    }
    int filled = WIDTH * done / total;
    target.print(ERASE_LINE + String.format(Locale.ROOT, "%s [%s%s] %d/%d models, %.0f s",
        label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total,
        (System.nanoTime() - startNanos) / 1e9));
    target.flush();
    drawn = true;
  }

  private synchronized void writeLine(byte[] bytes, int length) {
    if (drawn) {
      target.print(ERASE_LINE);
    }
    target.write(bytes, 0, length);
    drawn = false;
    draw();
  }

  /** Collects bytes up to each newline and hands over whole lines. */
  private final class LineSink extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      pending.write(b);
      if (b == '\n') {
        writeLine(pending.toByteArray(), pending.size());
        pending.reset();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    // flush() keeps a partial line pending: PrintStream flushes after every print, and a bar drawn
    // after half a line would split it.
  }
}
