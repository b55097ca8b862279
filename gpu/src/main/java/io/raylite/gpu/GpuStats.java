package io.raylite.gpu;

/**
 * Counters over the OpenCL objects of this JVM, for tests and monitoring: a steady state with no
 * GPU task running has no queue, buffer, kernel or event alive, only the shared contexts and the
 * cached programs.
 */
public final class GpuStats {
  private GpuStats() {}

  /** OpenCL objects created by this module and not yet released, by kind. */
  public record Live(long contexts, long queues, long buffers, long programs, long kernels,
      long events) {
    /** Whether nothing owned by a task (queue, buffer, kernel, event) is alive. */
    public boolean noTaskObjects() {
      return queues == 0 && buffers == 0 && kernels == 0 && events == 0;
    }
  }

  /** A snapshot of the live-object counts; each count is read atomically, not all at once. */
  public static Live live() {
    return new Live(ClObjects.live(ClObjects.Kind.CONTEXT), ClObjects.live(ClObjects.Kind.QUEUE),
        ClObjects.live(ClObjects.Kind.BUFFER), ClObjects.live(ClObjects.Kind.PROGRAM),
        ClObjects.live(ClObjects.Kind.KERNEL), ClObjects.live(ClObjects.Kind.EVENT));
  }

  /** How many times a program has been compiled in this JVM (cache misses, failed builds too). */
  public static long programBuilds() {
    return SharedDevices.INSTANCE.builds();
  }

  /** How many {@link GpuContext}s are open now. */
  public static int openContexts() {
    return SharedDevices.INSTANCE.openContexts();
  }
}
