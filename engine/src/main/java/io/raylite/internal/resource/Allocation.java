package io.raylite.internal.resource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The resources one task holds while it runs: its request plus the GPU devices chosen for it.
 * Created by {@link ResourceLedger#tryAcquire} and handed back to {@link ResourceLedger#release}.
 * {@code cpuLent} is touched only by the thread running the task (see {@link Scheduler#lendCpu}).
 */
public final class Allocation {
  static final int[] NO_GPUS = {};

  public final ResourceShape request;
  /** GPU device ids, ascending. */
  final int[] gpuIds;
  /** Units taken from each device in {@link #gpuIds}: the fraction, or a whole device. */
  final long gpuUnitsPerDevice;
  /** Whether the CPU part is lent to other tasks while this task blocks in get or wait. */
  public boolean cpuLent;

  Allocation(ResourceShape request, int[] gpuIds, long gpuUnitsPerDevice) {
    this.request = request;
    this.gpuIds = gpuIds;
    this.gpuUnitsPerDevice = gpuUnitsPerDevice;
  }

  public List<Integer> gpuIdList() {
    if (gpuIds.length == 0) {
      return List.of();
    }
    List<Integer> ids = new ArrayList<>(gpuIds.length);
    for (int id : gpuIds) {
      ids.add(id);
    }
    return Collections.unmodifiableList(ids);
  }
}
