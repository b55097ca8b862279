package io.raylite.internal.resource;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The chunked lock-free FIFO of a CPU-only shape: order across chunks, and each entry taken once. */
class CpuFifoTest {
  private static CpuFifo<Integer> newFifo() {
    ResourceLedger ledger = new ResourceLedger(1, 1, 0, Map.of(), null);
    return new CpuFifo<>(ledger.toRequest(Map.of("CPU", 1.0), "test"));
  }

  @Test
  void entriesComeOutInOfferOrderAcrossSeveralChunks() {
    CpuFifo<Integer> fifo = newFifo();
    int n = CpuFifo.CHUNK * 3 + 17;
    for (int i = 0; i < n; i++) {
      fifo.offer(i);
    }
    List<Integer> seen = new ArrayList<>();
    fifo.forEach(seen::add);
    assertEquals(n, seen.size(), "the snapshot holds every queued entry");
    for (int i = 0; i < n; i++) {
      assertFalse(fifo.isEmpty());
      assertEquals(i, fifo.poll());
    }
    assertTrue(fifo.isEmpty());
    assertNull(fifo.poll());
  }

  @Test
  void offersAndPollsInterleavedAtAChunkBoundaryLoseNothing() {
    CpuFifo<Integer> fifo = newFifo();
    int next = 0;
    int expected = 0;
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < CpuFifo.CHUNK - 1; i++) {
        fifo.offer(next++);
      }
      for (int i = 0; i < CpuFifo.CHUNK / 2; i++) {
        assertEquals(expected++, fifo.poll());
      }
    }
    while (expected < next) {
      assertEquals(expected++, fifo.poll());
    }
    assertTrue(fifo.isEmpty());
  }

  @Test
  void fourOfferersAndFourPollersTakeEveryEntryExactlyOnceInEachOfferersOrder() throws Exception {
    CpuFifo<Integer> fifo = newFifo();
    int perThread = 20_000;
    int threads = 4;
    Map<Integer, Boolean> taken = new ConcurrentHashMap<>();
    AtomicInteger outOfOrder = new AtomicInteger();
    AtomicInteger offerersLeft = new AtomicInteger(threads);
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(threads * 2)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            fifo.offer(base + i);
          }
          offerersLeft.decrementAndGet();
          return null;
        }));
      }
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          int[] last = new int[threads];
          java.util.Arrays.fill(last, -1);
          start.await();
          // Ends once the offerers are done and the FIFO reads empty after that.
          for (boolean offering = true; ; ) {
            Integer e = fifo.poll();
            if (e == null) {
              if (!offering) {
                return null;
              }
              offering = offerersLeft.get() > 0;
              Thread.onSpinWait();
              continue;
            }
            if (taken.put(e, Boolean.TRUE) != null) {
              throw new AssertionError("taken twice: " + e);
            }
            int from = e / perThread;
            if (e <= last[from]) {
              outOfOrder.incrementAndGet();  // one poller sees one offerer's entries in order
            }
            last[from] = e;
          }
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertEquals(threads * perThread, taken.size(), "every entry taken");
    assertEquals(0, outOfOrder.get());
    assertTrue(fifo.isEmpty());
  }
}
