package io.raylite.cluster;

import io.raylite.Raylite;
import io.raylite.spi.ActorHosting;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/*
 * Implementation overview
 *
 * The lines a task prints on a node, gathered for the submitter, which prints them as Ray's driver
 * prints its workers' lines with a (pid=..., ip=...) prefix. A node installs, once per JVM, a
 * System.out and a System.err that write everything through to the node's own streams (so the
 * node's log is as before) and, on a thread that runs a task, also hand each complete line to that
 * task's Capture. The node's runtime logs RuntimeContext.log lines to a third stream of the same
 * kind, whose lines already carry the runtime's "(name node=.. worker=..) " prefix and are kept
 * verbatim; lines printed with System.out or System.err get the same prefix.
 *
 * Which task a thread runs is the scoped value CAPTURE, bound by ClusterNode around the task's
 * body: a task run inline inside another's get binds its own and the outer one comes back after.
 * Actor calls and constructors on a node are captured the same way, for their caller and creator:
 * ActorHost attaches a Capture to each call it submits and to each actor it builds
 * (ActorHosting.withAttachment), and a thread that runs actor code finds it with
 * ActorHosting.attachment(). Their System.out and System.err lines get the prefix
 * "(<call> node=.. actor=<cluster id>) ", and their RuntimeContext.log lines, which the runtime
 * prefixes "(<call> actor=<local id>) ", get the same one in its place, so that the caller reads the
 * actor's id as its handle has it. Lines printed by other threads (a pool the task forks into) are
 * the node's alone.
 *
 * Sending: a Capture is itself an item of the submitter's reply BatchingSender. Its first pending
 * line offers it there; lines printed until that batch is written join it; the writer drains it
 * (drain()), and the next line offers it again. So a chatty task sends one message per batch, not
 * per line. The node offers a task's answer only after its body returned and close() flushed the
 * last partial line, and the sender keeps its items in order, so every line of a task is in a
 * batch before or with its answer's.
 *
 * Threads: append() runs on the task's thread, under the lock of the PrintStream it came through,
 * so each stream's partial line has one writer at a time; `pending` and `queued` are guarded by
 * `lock`, shared with the writer that drains.
 */
final class TaskOutput {
  /** The capture of the task that runs on this thread, if any. */
  static final ScopedValue<Capture> CAPTURE = ScopedValue.newInstance();

  private static final int OUT = 0;
  private static final int ERR = 1;
  private static final int LOG = 2;
  private static PrintStream logStream;

  private TaskOutput() {}

  /** One line a task printed: {@code err} if on System.err; {@code text} starts with its prefix. */
  record Line(boolean err, String text) {}

  /**
   * Routes this JVM's System.out and System.err through the captures (once), and returns the
   * stream for the node's runtime's task logs.
   */
  static synchronized PrintStream install() {
    if (logStream == null) {
      PrintStream out = System.out;
      PrintStream err = System.err;
      System.setOut(new PrintStream(new Router(out, OUT), true, out.charset()));
      System.setErr(new PrintStream(new Router(err, ERR), true, err.charset()));
      logStream = new PrintStream(new Router(out, LOG), true, out.charset());
    }
    return logStream;
  }

  /**
   * Prints lines a node sent, each on System.out or System.err as the task printed it. Control
   * characters are written escaped, so that a line cannot pose as several or move the terminal.
   */
  static void print(List<Line> lines) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    for (Line line : lines) {
      (line.err() ? err : out).println(escape(line.text()));
    }
  }

  /** The line with its control characters escaped as Java source writes them. */
  static String escape(String line) {
    StringBuilder escaped = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
      if (control && escaped == null) {
        escaped = new StringBuilder(line.length() + 16).append(line, 0, i);
      }
      if (escaped != null) {
        switch (c) {
          case '\n' -> escaped.append("\\n");
          case '\r' -> escaped.append("\\r");
          case '\t' -> escaped.append("\\t");
          default -> {
            if (control) {
              escaped.append(String.format("\\u%04x", (int) c));
            } else {
              escaped.append(c);
            }
          }
        }
      }
    }
    return escaped == null ? line : escaped.toString();
  }

  /** Writes through to the node's stream and hands the bytes to the thread's capture, if any. */
  private static final class Router extends OutputStream {
    private final PrintStream target;
    private final int kind;

    Router(PrintStream target, int kind) {
      this.target = target;
      this.kind = kind;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      target.write(b, off, len);
      if (CAPTURE.isBound()) {
        CAPTURE.get().append(kind, b, off, len, target.charset());
      } else if (ActorHosting.attachment() instanceof Capture actorCode) {
        actorCode.append(kind, b, off, len, target.charset());
      }
    }

    @Override
    public void flush() {
      target.flush();
    }
  }

  /** What one task attempt (or actor call or constructor) printed and the submitter has not been sent yet. */
  static final class Capture {
    /** The submitter's attempt id (or the caller's call id; 0 for a constructor). */
    final long id;
    private final String prefix;
    /** Whether this captures actor code, whose RuntimeContext.log lines get {@code prefix} too. */
    private final boolean actorCode;
    /** The prefix the runtime gives the actor code's log lines; set by the first, under the log stream's lock. */
    private String runtimeLogPrefix;
    private final Consumer<Capture> offer;
    private final ByteArrayOutputStream[] partial = new ByteArrayOutputStream[3];
    private final Charset[] charsets = new Charset[3];
    private final ReentrantLock lock = new ReentrantLock();
    private List<Line> pending = new ArrayList<>();
    /** Whether this capture waits in the reply sender's queue. */
    private boolean queued;

    /**
     * @param prefix what starts each line printed with System.out or System.err
     * @param offer puts this capture in the submitter's reply sender
     */
    Capture(long id, String prefix, Consumer<Capture> offer) {
      this(id, prefix, false, offer);
    }

    /**
     * @param actorCode whether it captures an actor's call or constructor (see the overview)
     */
    Capture(long id, String prefix, boolean actorCode, Consumer<Capture> offer) {
      this.id = id;
      this.prefix = prefix;
      this.actorCode = actorCode;
      this.offer = offer;
    }

    void append(int kind, byte[] b, int off, int len, Charset charset) {
      if (kind == LOG && actorCode && runtimeLogPrefix == null) {
        var context = Raylite.context();  // the actor code that logs, on its own thread
        runtimeLogPrefix = "(" + context.taskName() + " actor=" + context.actorId().orElse("") + ") ";
      }
      ByteArrayOutputStream line = partial[kind];
      if (line == null) {
        line = partial[kind] = new ByteArrayOutputStream(128);
        charsets[kind] = charset;
      }
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          line.write(b, start, i - start);
          endLine(kind);
          start = i + 1;
        }
      }
      line.write(b, start, off + len - start);
    }

    private void endLine(int kind) {
      ByteArrayOutputStream line = partial[kind];
      String text = line.toString(charsets[kind]);
      line.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      add(new Line(kind == ERR, kind != LOG ? prefix + text : actorCode ? reprefixed(text) : text));
    }

    /** A RuntimeContext.log line of actor code with this capture's prefix in place of the runtime's. */
    private String reprefixed(String text) {
      String runtimes = runtimeLogPrefix;
      return runtimes != null && text.startsWith(runtimes) ? prefix + text.substring(runtimes.length()) : text;
    }

    private void add(Line line) {
      boolean offerNow;
      lock.lock();
      try {
        pending.add(line);
        offerNow = !queued;
        queued = true;
      } finally {
        lock.unlock();
      }
      if (offerNow) {
        offer.accept(this);
      }
    }

    /** Lines of a task this one submitted (already prefixed by the node that ran it), sent on as this task's. */
    void forward(List<Line> lines) {
      for (Line line : lines) {
        add(line);
      }
    }

    /** The task's body returned: a last line without its newline is sent too. */
    void close() {
      for (int kind = 0; kind < partial.length; kind++) {
        if (partial[kind] != null && partial[kind].size() > 0) {
          endLine(kind);
        }
      }
    }

    /** The lines gathered since the last drain; called by the writer of the batch this capture is in. */
    List<Line> drain() {
      lock.lock();
      try {
        queued = false;
        List<Line> lines = pending;
        pending = new ArrayList<>();
        return lines;
      } finally {
        lock.unlock();
      }
    }
  }
}
