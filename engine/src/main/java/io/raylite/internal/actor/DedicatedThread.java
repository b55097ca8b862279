package io.raylite.internal.actor;

import java.util.concurrent.LinkedBlockingQueue;

/*
 * Implementation overview
 *
 * The one platform thread that runs everything of one incarnation of an actor created with
 * dedicatedThread(): its constructor and its mailbox drains, one after another, so that every call
 * sees the same Thread and its ThreadLocals. It stands in for the virtual threads ActorThreads
 * starts for other actors: ActorRecord hands it the same bodies (construct, drain), which it queues
 * and runs in order. With maxConcurrency 1 and no concurrency groups (which dedicatedThread
 * requires) at most one body has work at a time, so running them in turn changes nothing but the
 * thread.
 *
 * States: running until stop() queues STOP, which the thread reaches after the bodies queued
 * before it; then it ends. ActorRecord stops it when the actor dies, or when it is rebuilt after a
 * failure, whose new incarnation gets a new thread. The thread is started through ActorThreads, so
 * close joins it as it joins every actor thread.
 *
 * Interrupts: kill and close interrupt the thread to stop the call it runs, as they would a virtual
 * thread; the drain loop clears a stale interrupt before each call. An interrupt that reaches the
 * idle loop (the call it was aimed at has ended) is dropped: the loop ends only at STOP.
 */
final class DedicatedThread {
  private static final Runnable STOP = () -> {};

  private final LinkedBlockingQueue<Runnable> bodies = new LinkedBlockingQueue<>();
  private final Thread thread;

  DedicatedThread(ActorThreads threads, String name) {
    this.thread = threads.startPlatform(name, this::loop);
  }

  /** Queues {@code body} to run on the thread after those queued before; returns the thread. */
  Thread start(Runnable body) {
    bodies.add(body);
    return thread;
  }

  /** Lets the thread end once it has run every body queued so far. */
  void stop() {
    bodies.add(STOP);
  }

  private void loop() {
    for (;;) {
      Runnable body;
      try {
        body = bodies.take();
      } catch (InterruptedException e) {
        continue;  // aimed at a call that has ended (see the overview); STOP ends the loop
      }
      if (body == STOP) {
        return;
      }
      body.run();
    }
  }
}
