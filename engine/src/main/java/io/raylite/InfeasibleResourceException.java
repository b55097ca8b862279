package io.raylite;

/**
 * A request can never be met on this runtime: it asks for more of a resource than the runtime has
 * in total, or for a resource the runtime does not have. Thrown at submission instead of waiting.
 */
public class InfeasibleResourceException extends RayliteException {
  /** Creates the exception with its message. */
  public InfeasibleResourceException(String message) {
    super(message);
  }
}
