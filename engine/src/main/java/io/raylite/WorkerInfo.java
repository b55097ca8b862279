package io.raylite;

import java.util.List;

/**
 * One worker thread, as {@link StateApi#workers} reports it.
 *
 * @param worker the worker's name, as {@link RuntimeContext#workerName()}: the pool index, or
 *     {@code v<id>} for the virtual thread of a task that asked for no CPU or said it blocks
 * @param virtual whether it is a virtual thread (one per such task, gone when the task ends)
 * @param running the ids of the tasks running on it now: one, or more when a task blocked in
 *     {@code get} runs the task it waits for on its own thread; empty when idle
 */
public record WorkerInfo(String worker, boolean virtual, List<String> running) {}
