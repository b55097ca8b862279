package io.raylite.internal.resource;

import java.util.Map;

/**
 * Where one queued task stands in the {@link Scheduler}, read under its lock, for diagnosis.
 *
 * @param queued whether the task is in its shape's queue
 * @param ahead how many tasks of the same shape are queued ahead of it
 * @param available each resource's free amount now
 * @param gpuFree each GPU device's free share now, 0 to 1
 * @param reclaimers how many blocked tasks wait to take their CPUs back (served before any queued task)
 */
public record QueueStanding(boolean queued, int ahead, Map<String, Double> available, double[] gpuFree,
    int reclaimers) {}
