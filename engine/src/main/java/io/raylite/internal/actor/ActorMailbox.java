package io.raylite.internal.actor;

import io.raylite.internal.task.DeterministicSchedule;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue of one concurrency group of an actor (the default group, or a named one), with the
 * count of the virtual threads draining it. Guarded by its {@link ActorRecord}. The
 * queue is created by the first call and dropped once empty if it grew large, so an actor never
 * called costs only this object and an idle one at most a small empty queue.
 *
 * <p>The inbox: while every drainer this mailbox may have is running, a submitter does not need
 * the monitor to queue a call (see {@link ActorRecord#submit}); it pushes the call onto
 * {@code inbox}, a lock-free stack linked through {@link ActorCallRun#nextInInbox}. Every method below
 * that reads or changes the queue first moves the inbox into it, oldest first, so under the
 * monitor the inbox is invisible: a pushed call is an ordinary queued call to cancel, failure,
 * restart and the drainers. Only {@link #push}, {@link #inboxEmpty} and {@link #drainers} are used
 * without the monitor.
 *
 * <p>Priorities: the queue is kept in order of {@link ActorCallRun#priority}, highest first, and in
 * submission order among equals. A call goes to the back unless the back has a lower priority (one
 * comparison, so default-priority calls among themselves stay a plain FIFO); only then is it
 * inserted in place. Calls with a priority are never pushed onto the inbox (see ActorRecord.submit).
 * A retried call goes back to the front, as before, whatever its priority.
 *
 * <p>Batches: the drainer of a sequential mailbox ({@code limit} 1, outside deterministic runs)
 * takes up to {@code ActorRecord.BATCH} calls in one monitor section, with the hand-back of its
 * previous batch, and then runs them one after another without the monitor. A mailbox with a
 * higher limit takes one call at a time: a batch would hold calls back from a drainer that is
 * free, and concurrent calls would wait behind a slow one. What a batch holds, and who owns what:
 * <ol>
 *   <li>The batch is the drainer's own array, plus the calls' entries in ActorRecord.running, in
 *       the order taken, which is the mailbox's order. Each call's {@link ActorCallRun} phase is
 *       TAKEN. The actor's instance is read once for the batch; the batch counts once in
 *       ActorRecord.activeCalls, and once in {@link #busy}, until its drainer hands it back under
 *       the monitor. Since the actor is rebuilt only when activeCalls is 0, and the only drainer
 *       of this mailbox is the batch's own, no call of a batch is taken again by anyone while its
 *       drainer may still look at it, so a phase never returns to a value its drainer expects
 *       (no ABA).
 *   <li>A call's outcome has exactly one owner, decided by compare-and-set on its phase. The
 *       drainer starts a call by TAKEN -> RUNNING (after clearing its thread's interrupt), and
 *       settles it, when the method returns, by RUNNING -> SETTLED: then it alone counts the
 *       call's maxPendingCalls slot down (under the monitor, before the result completes, so a
 *       caller woken by the result may submit again) and completes the result, once the next
 *       call of the batch has started and before it runs, or right after the monitor section
 *       that hands the batch back: never held to the end of a batch, so a later call of the batch
 *       may {@code get} an earlier one's result, and, as with one call per section, whoever sees
 *       the last result finds the actor quiescent when nothing else was queued (a kill then
 *       returns its resources at once). A method that throws an Error is not settled: the
 *       drainer leaves it RUNNING, ends the batch and fails the actor in its next monitor
 *       section, as for a single call.
 *   <li>Cancel, under the monitor, takes a queued call out of the queue, or a call of a batch by
 *       TAKEN -> SETTLED: either way the call never starts and cancel fails its result; the
 *       drainer, losing the call's compare-and-set, skips it.
 *   <li>A failure (kill, restart, death, an Error, close), under the monitor, walks
 *       ActorRecord.running: a call still TAKEN it takes back (TAKEN -> QUEUED) and keeps for the
 *       rebuilt actor or fails, exactly as a call still in the queue; a RUNNING one it takes by
 *       RUNNING -> QUEUED, marks aborted and interrupts, as before batches; a SETTLED one it
 *       leaves, since its drainer or cancel completes it. So kill during a batch is safe: every
 *       call not started is treated as queued, every started one as running, each exactly once,
 *       and the drainer, whose compare-and-sets then fail, skips the calls taken back and hands
 *       its batch back, after which the actor may be rebuilt.
 *   <li>A call submitted under the monitor with a higher priority than calls of a batch that have
 *       not started takes those back (TAKEN -> QUEUED, to the front of the queue, in order) and
 *       goes ahead of them, as it would have had they stayed queued; the first call of a batch
 *       is never taken back, since without batches it would already have been taken. The
 *       drainer, finding a call of its batch QUEUED, stops there and hands the batch back.
 * </ol>
 */
final class ActorMailbox {
  /** Queues up to this size are kept while empty, so that a steady trickle of calls allocates none. */
  private static final int SMALL = 16;
  private static final VarHandle INBOX;

  static {
    try {
      INBOX = MethodHandles.lookup().findVarHandle(ActorMailbox.class, "inbox", ActorCallRun.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The group name, or null for the default group. */
  final String group;
  /** The most calls of this group that run at once. */
  final int limit;
  private ArrayDeque<ActorCallRun> queue;
  /** Whether the queue grew past {@link #SMALL}: then it is dropped once empty. */
  private boolean grown;
  /** Calls pushed without the monitor, newest first; null when none. */
  private volatile ActorCallRun inbox;
  /**
   * Threads draining this mailbox, at most {@link #limit}. Written only under the monitor; volatile
   * so that a submitter can tell, without it, that every drainer is running.
   */
  volatile int drainers;
  /** Drainers running a call right now; the others are about to take one or to end. */
  int busy;

  ActorMailbox(String group, int limit) {
    this.group = group;
    this.limit = limit;
  }

  /** Queues a call without the monitor; see the class comment. Any thread. */
  void push(ActorCallRun call) {
    ActorCallRun head;
    do {
      head = inbox;
      call.nextInInbox = head;
    } while (!INBOX.compareAndSet(this, head, call));
  }

  /** Whether no call waits in the inbox. Any thread. */
  boolean inboxEmpty() {
    return inbox == null;
  }

  /** Moves the pushed calls into the queue, in the order they were pushed. */
  private void absorb() {
    if (inbox == null) {
      return;
    }
    ActorCallRun newest = (ActorCallRun) INBOX.getAndSet(this, null);
    ActorCallRun oldest = null;
    while (newest != null) {  // reverse the stack
      ActorCallRun next = newest.nextInInbox;
      newest.nextInInbox = oldest;
      oldest = newest;
      newest = next;
    }
    ArrayDeque<ActorCallRun> q = queue();
    while (oldest != null) {
      ActorCallRun next = oldest.nextInInbox;
      oldest.nextInInbox = null;
      insert(q, oldest);
      oldest = next;
    }
    if (q.size() > SMALL) {
      grown = true;
    }
  }

  void addLast(ActorCallRun call) {
    absorb();
    ArrayDeque<ActorCallRun> q = queue();
    insert(q, call);
    if (q.size() > SMALL) {
      grown = true;
    }
  }

  /** Adds {@code call} behind every call of its priority or higher, before lower ones. */
  private static void insert(ArrayDeque<ActorCallRun> q, ActorCallRun call) {
    ActorCallRun last = q.peekLast();
    if (last == null || last.priority >= call.priority) {
      q.addLast(call);
      return;
    }
    ArrayDeque<ActorCallRun> lower = new ArrayDeque<>();
    while (!q.isEmpty() && q.peekLast().priority < call.priority) {
      lower.addFirst(q.pollLast());
    }
    q.addLast(call);
    q.addAll(lower);
  }

  void addFirst(ActorCallRun call) {
    absorb();
    queue().addFirst(call);
  }

  /** The next call, or null; an emptied queue that had grown is dropped. */
  ActorCallRun poll() {
    absorb();
    if (queue == null) {
      return null;
    }
    ActorCallRun next = queue.pollFirst();
    if (next == null && grown) {
      queue = null;
      grown = false;
    }
    return next;
  }

  /**
   * As {@link #poll}, under a deterministic run: the next call of one of the callers with calls
   * queued, the caller drawn by {@code schedule}. Each caller's calls keep their order, as in Ray;
   * calls of different callers interleave as the seed says, among the calls of the highest
   * priority queued.
   */
  ActorCallRun pollDrawn(DeterministicSchedule schedule) {
    absorb();
    if (queue == null || queue.size() < 2) {
      return poll();
    }
    int top = queue.peekFirst().priority;  // the highest queued, unless a retried call went first
    List<ActorCallRun> firsts = new ArrayList<>();
    List<Object> callers = new ArrayList<>();
    for (ActorCallRun call : queue) {
      if (call.priority < top) {
        continue;  // priorities stay strict: the draw is among the calls poll could take first
      }
      boolean seen = false;
      for (Object caller : callers) {
        seen |= caller == call.caller;
      }
      if (!seen) {
        callers.add(call.caller);
        firsts.add(call);
      }
    }
    if (firsts.size() == 1) {
      return poll();
    }
    ActorCallRun next = firsts.get(schedule.drawIndex(firsts.size()));
    queue.remove(next);
    return next;
  }

  /** Removes {@code call} if it is queued here; whether it was. */
  boolean remove(ActorCallRun call) {
    absorb();
    return queue != null && queue.remove(call);
  }

  /** How many calls are queued ahead of {@code call}, or -1 if it is not queued here. */
  int indexOf(ActorCallRun call) {
    absorb();
    if (queue != null) {
      int i = 0;
      for (ActorCallRun queued : queue) {
        if (queued == call) {
          return i;
        }
        i++;
      }
    }
    return -1;
  }

  int size() {
    absorb();
    return queue == null ? 0 : queue.size();
  }

  /** Whether another drainer should start: queued calls outnumber idle drainers and the limit allows it. */
  boolean wantsDrainer() {
    return drainers < limit && size() > drainers - busy;
  }

  /** Removes and returns every queued call, in order. */
  List<ActorCallRun> takeAll() {
    absorb();
    if (queue == null || queue.isEmpty()) {
      return List.of();
    }
    List<ActorCallRun> all = new ArrayList<>(queue);
    queue.clear();
    return all;
  }

  private ArrayDeque<ActorCallRun> queue() {
    if (queue == null) {
      queue = new ArrayDeque<>(4);
    }
    return queue;
  }
}
