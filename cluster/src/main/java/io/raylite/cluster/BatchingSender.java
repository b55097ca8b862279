package io.raylite.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;

/*
 * Implementation overview
 *
 * Sends items to one destination (a node's task requests, a driver's replies) in batches, with at
 * most one batch in flight: an item offered while a batch is on its way waits in `queue`, and the
 * completion of that batch sends everything that gathered meanwhile as the next one. So an idle
 * destination gets each item at once, and a busy one gets fewer, larger messages, without a timer.
 *
 * `sending` is the only state: whoever flips it false -> true drains the queue and sends; the
 * completion flips it back and looks at the queue again. offer() adds before it looks, so an item
 * is never left behind: either its own look finds `sending` false, or the batch in flight finishes
 * later and its completion finds the item. Any thread may offer; completions run on whatever thread
 * completes the send (a Hazelcast thread), which only drains and sends, never waits.
 */
final class BatchingSender<T> {
  private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final int maxBatch;
  private final Function<List<T>, CompletionStage<?>> send;
  private final BiConsumer<List<T>, Throwable> failed;

  /**
   * @param maxBatch the most items one message carries
   * @param send sends one batch; its stage completes when the destination has it
   * @param failed told of each batch whose send failed, with the failure
   */
  BatchingSender(int maxBatch, Function<List<T>, CompletionStage<?>> send, BiConsumer<List<T>, Throwable> failed) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.send = send;
    this.failed = failed;
  }

  void offer(T item) {
    queue.add(item);
    sendNext();
  }

  private void sendNext() {
    while (!queue.isEmpty() && sending.compareAndSet(false, true)) {
      List<T> batch = new ArrayList<>(Math.min(maxBatch, 64));
      for (T item; batch.size() < maxBatch && (item = queue.poll()) != null; ) {
        batch.add(item);
      }
      if (batch.isEmpty()) {
        sending.set(false);
        continue;
      }
      CompletionStage<?> sent;
      try {
        sent = send.apply(batch);
      } catch (RuntimeException e) {
        sending.set(false);
        failed.accept(batch, e);
        continue;
      }
      sent.whenComplete((ignored, failure) -> {
        sending.set(false);
        if (failure != null) {
          failed.accept(batch, failure);
        }
        sendNext();
      });
      return;
    }
  }
}
