package io.raylite.gpu;

import org.jocl.CL;
import org.jocl.CLException;

/**
 * An OpenCL call failed for a reason the arguments could not have shown beforehand (the device ran
 * out of resources, the driver refused a launch). The message names what was being done, on which
 * kernel or buffer, and the OpenCL error; {@link #errorCode()} is the raw {@code CL_*} code.
 */
public final class GpuException extends RuntimeException {
  private final int errorCode;

  GpuException(String what, CLException cause) {
    super(what + ": " + CL.stringFor_errorCode(cause.getStatus()), cause);
    this.errorCode = cause.getStatus();
  }

  /** The OpenCL error code, for example {@code CL.CL_OUT_OF_RESOURCES}. */
  public int errorCode() {
    return errorCode;
  }
}
