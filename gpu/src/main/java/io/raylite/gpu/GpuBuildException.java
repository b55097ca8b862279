package io.raylite.gpu;

/** An OpenCL program failed to compile; the message holds the compiler's build log. */
public final class GpuBuildException extends RuntimeException {
  /** The OpenCL compiler's build log. */
  private final String buildLog;

  GpuBuildException(String device, String options, String buildLog, Throwable cause) {
    super("OpenCL program build failed on " + device
        + (options.isEmpty() ? "" : " with options '" + options + "'") + ". Build log:\n"
        + buildLog, cause);
    this.buildLog = buildLog;
  }

  /** The compiler's build log as the driver reported it. */
  public String buildLog() {
    return buildLog;
  }
}
