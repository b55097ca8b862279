package io.raylite.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * A progress bar on the last line of a terminal, under the lines the experiment prints. It counts
 * trees, not models (the 84-tree model is ten times the 8-tree one), shows the time left at the
 * rate so far, and fits the terminal's width so that it never wraps.
 *
 * <p>Every line goes through {@link #lines()}: tasks print their results from worker threads while
 * the driver advances the bar, so both take this object's lock; a line first erases the bar, then
 * is written whole, then the bar is drawn again below it. Without a terminal (output redirected to
 * a file or a pipe, or in tests), or on a terminal that says it is {@code dumb}, the bar is off and
 * {@link #lines()} is the target stream itself.
 *
 * <p>The width is {@code COLUMNS} when the shell exports it, else what {@code stty size} reports
 * for the terminal, else 80; it is read again at each {@link #start}, so a resized window is
 * followed from the next mode on. The bar takes one column less than the width: a line that
 * fills the last column makes some terminals wrap.
 */
final class ProgressBar implements AutoCloseable {
  private static final String ERASE_LINE = "\r\033[K";
  /** Below this many columns of bar the bar is left out and only the figures are shown. */
  private static final int MIN_BAR = 5;
  private static final int DEFAULT_COLUMNS = 80;

  private final PrintStream target;
  private final PrintStream lines;
  private final boolean enabled;
  private final IntSupplier columns;
  // Guarded by this.
  private String label = "";
  private long done;
  private long total;
  private long startNanos;
  private int width;
  private boolean drawn;

  private ProgressBar(PrintStream target, boolean enabled, IntSupplier columns) {
    this.target = target;
    this.enabled = enabled;
    this.columns = columns;
    this.lines = enabled ? new PrintStream(new LineSink(), true, StandardCharsets.UTF_8) : target;
  }

  /** A bar on {@code target} when it is the standard output and that is a terminal. */
  static ProgressBar forOutput(PrintStream target) {
    java.io.Console console = System.console();
    boolean terminal = target == System.out && console != null && console.isTerminal()
        && !"dumb".equals(System.getenv("TERM"));
    return new ProgressBar(target, terminal, ProgressBar::terminalColumns);
  }

  /** A bar drawn on {@code target} whatever it is, {@code columns} wide, for tests. */
  static ProgressBar onTerminal(PrintStream target, int columns) {
    return new ProgressBar(target, true, () -> columns);
  }

  /** Where to print lines so that they appear above the bar. */
  PrintStream lines() {
    return lines;
  }

  boolean enabled() {
    return enabled;
  }

  /** Starts a new bar of {@code trees} trees, measuring the width of the terminal afresh. */
  synchronized void start(String barLabel, long trees) {
    this.label = barLabel;
    this.done = 0;
    this.total = trees;
    this.startNanos = System.nanoTime();
    this.width = enabled ? columns.getAsInt() : DEFAULT_COLUMNS;
    draw();
  }

  /** Advances the bar by the {@code trees} of a model that has finished. */
  synchronized void advance(int trees) {
    done = Math.min(total, done + trees);
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
    target.print(ERASE_LINE + render(label, done, total, System.nanoTime() - startNanos, width));
    target.flush();
    drawn = true;
  }

  /**
   * The bar's text, at most {@code columns - 1} characters: {@code parallel [###...] 120/920
   * trees 13% 2m05s left}. As the width shrinks, the bar goes first, then the label, then the time
   * left; what remains is cut.
   */
  static String render(String label, long done, long total, long elapsedNanos, int columns) {
    int room = Math.max(1, columns - 1);
    String figures = String.format(Locale.ROOT, "%d/%d trees %d%%", done, total, total == 0 ? 0 : 100 * done / total);
    String eta = eta(done, total, elapsedNanos);
    String tail = figures + " " + eta;
    int barRoom = room - label.length() - tail.length() - 4;  // the spaces and the brackets
    if (barRoom >= MIN_BAR) {
      int filled = (int) (barRoom * done / total);
      return label + " [" + "#".repeat(filled) + ".".repeat(barRoom - filled) + "] " + tail;
    }
    for (String text : new String[] {label + " " + tail, tail, figures}) {
      if (text.length() <= room) {
        return text;
      }
    }
    return figures.substring(0, room);
  }

  /**
   * The time left at the rate so far ({@code 2m05s left}), or {@code ETA --} before the first
   * model has finished, and {@code done in 1m10s} at the end.
   */
  static String eta(long done, long total, long elapsedNanos) {
    if (done >= total) {
      return "done in " + duration(elapsedNanos / 1e9);
    }
    if (done == 0) {
      return "ETA --";
    }
    return duration(elapsedNanos / 1e9 * (total - done) / done) + " left";
  }

  /** {@code 42s}, {@code 3m05s} or {@code 1h02m}. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
  }

  /** The terminal's width: {@code COLUMNS}, else {@code stty size} on the terminal, else 80. */
  private static int terminalColumns() {
    Integer fromEnv = positive(System.getenv("COLUMNS"));
    if (fromEnv != null) {
      return fromEnv;
    }
    try {
      Process stty = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String answer = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (stty.waitFor() == 0) {
        String[] rowsAndColumns = answer.split("\\s+");
        Integer fromStty = rowsAndColumns.length == 2 ? positive(rowsAndColumns[1]) : null;
        if (fromStty != null) {
          return fromStty;
        }
      }
    } catch (java.io.IOException e) {
      // No stty or no /dev/tty: the default width below is the answer.
      return DEFAULT_COLUMNS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DEFAULT_COLUMNS;
  }

  private static Integer positive(String text) {
    if (text == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(text.trim());
      return n > 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
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
