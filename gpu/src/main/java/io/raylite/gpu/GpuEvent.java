package io.raylite.gpu;

import static org.jocl.CL.CL_COMPLETE;
import static org.jocl.CL.CL_EVENT_COMMAND_EXECUTION_STATUS;
import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clFlush;
import static org.jocl.CL.clGetEventInfo;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clSetEventCallback;
import static org.jocl.CL.clWaitForEvents;

import io.raylite.Raylite;
import io.raylite.RuntimeContext;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * A command queued on a {@link GpuContext} without waiting for it: a kernel launch
 * ({@link GpuKernel#enqueue}) or a copy ({@link GpuBuffer#writeAsync}, {@link GpuBuffer#readAsync}).
 * {@link #await()} waits for it and reports a failure of the command. Owned by the context, which
 * releases it on close if it was not closed before; close it once awaited to release the OpenCL
 * event sooner. Not thread-safe, like its context.
 *
 * <p>Inside a task, waiting goes through the engine's blocking rules
 * ({@link RuntimeContext#await}): the task lends its CPUs to other tasks while the device works,
 * as it does while it waits in {@code get}, and takes them back before it continues. Outside a
 * task it goes through {@link ForkJoinPool#managedBlock}, so a waiter on a pool thread lets the
 * pool start a spare thread meanwhile.
 */
public final class GpuEvent implements AutoCloseable {
  private final GpuContext owner;
  private final String what;
  private final cl_event event;
  private final boolean kernel;
  /** Host memory the command reads or writes, kept until the command is done, then returned. */
  private ByteBuffer staging;
  /** Run once the command has completed successfully (a read's copy out of staging); or null. */
  private Runnable onComplete;
  private boolean completed;
  private boolean closed;

  GpuEvent(GpuContext owner, String what, cl_event event, boolean kernel) {
    this(owner, what, event, kernel, null, null);
  }

  GpuEvent(GpuContext owner, String what, cl_event event, boolean kernel, ByteBuffer staging,
      Runnable onComplete) {
    this.owner = owner;
    this.what = what;
    this.event = event;
    this.kernel = kernel;
    this.staging = staging;
    this.onComplete = onComplete;
    ClObjects.created(ClObjects.Kind.EVENT);
  }

  /** Whether the command has finished (successfully or not), without waiting. */
  public boolean isDone() {
    checkOpen();
    return completed || status() <= CL_COMPLETE;
  }

  /**
   * Waits until the command has finished; returns at once if it has.
   *
   * @throws GpuException if the command failed on the device
   */
  public GpuEvent await() {
    return await(true);
  }

  /**
   * Waits as {@link #await()} does; with {@code lend} false a task keeps its CPUs while it waits,
   * which {@link GpuKernel#run} uses: a short kernel should not make its task queue again for the
   * CPU it just lent.
   */
  GpuEvent await(boolean lend) {
    checkOpen();
    if (!completed) {
      Optional<RuntimeContext> task = lend ? Raylite.contextIfRunning() : Optional.empty();
      if (task.isPresent() && status() > CL_COMPLETE) {
        awaitLending(task.get());
      }
      try {
        ForkJoinPool.managedBlock(new ForkJoinPool.ManagedBlocker() {
          @Override
          public boolean block() {
            waitForEvent();
            return true;
          }

          @Override
          public boolean isReleasable() {
            return status() <= CL_COMPLETE;
          }
        });
      } catch (InterruptedException e) {
        // block() itself never throws it; managedBlock declares it for other blockers.
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
      int status = status();
      if (status < 0) {
        throw new GpuException(what + " failed on " + owner.device().describe(),
            new CLException("command status " + status, status));
      }
      completed = true;
      if (onComplete != null) {
        onComplete.run();
        onComplete = null;
      }
      returnStaging();
      if (kernel) {
        owner.addKernelNanos(profiledNanos());
      }
    }
    return this;
  }

  /**
   * The kernel's device time in nanoseconds, from the queue's profiling; for a copy, the copy's.
   *
   * @throws IllegalStateException if it has not been awaited
   */
  public long deviceNanos() {
    checkOpen();
    if (!completed) {
      throw new IllegalStateException(what + " has not been awaited; call await() first");
    }
    return profiledNanos();
  }

  private long profiledNanos() {
    long[] start = new long[1];
    long[] end = new long[1];
    clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start),
        null);
    clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end),
        null);
    return end[0] - start[0];
  }

  /**
   * Waits inside a task through the engine, which lends the task's CPUs meanwhile: the driver
   * completes a future from its own thread when the command is done (a negative status counts as
   * done; await reads it afterwards).
   */
  private void awaitLending(RuntimeContext task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    // The callback may run before this returns; the driver calls it once, for CL_COMPLETE or an
    // error. clFlush makes sure the command is submitted, or the callback might never come.
    clFlush(owner.clQueue());
    clSetEventCallback(event, CL_COMPLETE, (e, status, data) -> done.complete(null), null);
    task.await(done);
  }

  private void returnStaging() {
    if (staging != null) {
      owner.returnStaging(staging);
      staging = null;
    }
  }

  private void waitForEvent() {
    try {
      clWaitForEvents(1, new cl_event[] {event});
    } catch (CLException e) {
      // CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST: the status read afterwards names the failure.
      if (status() >= 0) {
        throw new GpuException("waiting for " + what, e);
      }
    }
  }

  private int status() {
    int[] status = new int[1];
    clGetEventInfo(event, CL_EVENT_COMMAND_EXECUTION_STATUS, Sizeof.cl_int, Pointer.to(status),
        null);
    return status[0];
  }

  /** This event's handle for a wait list of a command on {@code context}'s queue. */
  cl_event waitableBy(GpuContext context, String name) {
    if (closed) {
      throw new IllegalStateException(name + " (" + this + ") is closed");
    }
    if (!owner.sharesClContextWith(context)) {
      throw new IllegalArgumentException(name + " (" + this + ") belongs to an OpenCL context on "
          + owner.device().describe() + ", not " + context.device().describe());
    }
    return event;
  }

  /** The OpenCL handle, for wait lists this class does not wrap; owned by this event. */
  public cl_event clEvent() {
    checkOpen();
    return event;
  }

  /**
   * Releases the OpenCL event; idempotent. A kernel runs on regardless; a copy that has not
   * finished is waited for first, since its staging memory must outlive it.
   */
  @Override
  public void close() {
    if (!closed) {
      owner.forget(this);
      release();
    }
  }

  /** The release for the Cleaner: the event, after the copy if one is still staged. */
  Runnable nativeRelease() {
    cl_event e = event;
    ByteBuffer s = staging;
    return () -> {
      try {
        if (s != null) {
          clWaitForEvents(1, new cl_event[] {e});
        }
      } finally {
        clReleaseEvent(e);
        ClObjects.released(ClObjects.Kind.EVENT);
      }
    };
  }

  cl_event clEventUnchecked() {
    return event;
  }

  void release() {
    if (!closed) {
      closed = true;
      owner.natives.remove(event);
      try {
        if (staging != null) {
          // The driver may still copy to or from the staging memory: keep it until it is done.
          clWaitForEvents(1, new cl_event[] {event});
          returnStaging();
        }
      } finally {
        clReleaseEvent(event);
        ClObjects.released(ClObjects.Kind.EVENT);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("event of " + what + " is closed");
    }
    owner.checkOpen();
  }

  @Override
  public String toString() {
    return "GpuEvent[" + what + (completed ? ", done" : "") + (closed ? ", closed" : "") + "]";
  }
}
