package io.raylite.dashboard;

import io.raylite.Raylite;
import io.raylite.ResourceInfo;
import io.raylite.RuntimeClosedException;
import io.raylite.TaskState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/*
 * Implementation overview
 *
 * The overview's charts need the last minutes, which the runtime does not keep: this samples the
 * state API once a second (resource use, each GPU, the object store's bytes in memory and spilled,
 * task counts by state) into a ring of the last CAPACITY samples.
 *
 * Threads: one daemon thread of a scheduled executor samples; exchanges read with samples(), which
 * copies the ring under the object's monitor (held for a copy of at most CAPACITY references). A
 * sample that fails because the runtime closed ends the sampling; any other failure is logged and
 * the next second samples again.
 */
final class ResourceHistory implements AutoCloseable {
  /** Ten minutes of samples. */
  static final int CAPACITY = 600;
  private static final System.Logger LOG = System.getLogger("io.raylite.dashboard");

  /**
   * One sample.
   *
   * @param timeMillis when it was taken
   * @param used each resource's amount in use, by name
   * @param gpus each GPU device's share in use
   * @param storeBytes bytes in the object store's memory
   * @param spilledBytes bytes in spill files
   * @param tasks task counts by state; empty when task tracking is off
   */
  record Sample(long timeMillis, Map<String, Double> used, double[] gpus, long storeBytes, long spilledBytes,
      Map<TaskState, Integer> tasks) {}

  private final Raylite runtime;
  private final ScheduledExecutorService sampler;
  private final Sample[] ring = new Sample[CAPACITY];
  private long count;

  ResourceHistory(Raylite runtime) {
    this.runtime = runtime;
    this.sampler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("raylite-dashboard-sampler").factory());
  }

  void start() {
    sampler.scheduleAtFixedRate(this::sampleNow, 0, 1, TimeUnit.SECONDS);
  }

  /** Takes one sample; also called by tests. */
  void sampleNow() {
    try {
      ResourceInfo info = runtime.state().resources();
      Map<String, Double> used = new LinkedHashMap<>();
      for (ResourceInfo.Resource r : info.resources()) {
        used.put(r.name(), r.used());
      }
      double[] gpus = info.gpus().stream().mapToDouble(ResourceInfo.Gpu::used).toArray();
      Map<TaskState, Integer> tasks;
      try {
        tasks = runtime.state().summary().byState();
      } catch (IllegalStateException trackingOff) {
        tasks = new EnumMap<>(TaskState.class);
      }
      add(new Sample(System.currentTimeMillis(), used, gpus, info.objectStore().bytesInMemory(),
          info.objectStore().bytesSpilled(), tasks));
    } catch (RuntimeClosedException closed) {
      sampler.shutdown();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "dashboard: cannot sample the runtime's resources", e);
    }
  }

  private synchronized void add(Sample sample) {
    ring[(int) (count++ % CAPACITY)] = sample;
  }

  /** The samples kept, oldest first. */
  synchronized List<Sample> samples() {
    List<Sample> samples = new ArrayList<>();
    for (long i = Math.max(0, count - CAPACITY); i < count; i++) {
      samples.add(ring[(int) (i % CAPACITY)]);
    }
    return samples;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    boolean interrupted = false;
    for (;;) {
      try {
        if (sampler.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
