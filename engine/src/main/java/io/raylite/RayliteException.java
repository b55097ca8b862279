package io.raylite;

/** The base of every exception Raylite throws for a task, an object or the runtime itself. */
public class RayliteException extends RuntimeException {
  /** Creates the exception with its message. */
  public RayliteException(String message) {
    super(message);
  }

  /** Creates the exception with its message and the failure that caused it. */
  public RayliteException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The most characters of a cause's message that an exception wrapping it repeats. */
  static final int CAUSE_MESSAGE_MAX = 300;

  /**
   * {@code cause} as its {@code toString} reads, with the message cut to CAUSE_MESSAGE_MAX
   * characters: failures nested through many gets would otherwise repeat every message below
   * them, growing quadratically with the depth. The whole message stays on the cause itself.
   */
  static String summary(Throwable cause) {
    String message = cause.getLocalizedMessage();
    String name = cause.getClass().getName();
    if (message == null) {
      return name;
    }
    if (message.length() > CAUSE_MESSAGE_MAX) {
      message = message.substring(0, CAUSE_MESSAGE_MAX) + "... (" + (message.length() - CAUSE_MESSAGE_MAX)
          + " more characters in the cause)";
    }
    return name + ": " + message;
  }
}
