package io.raylite.internal.task;

/**
 * Keeps one {@code RuntimeContext.log} call on one line: control characters in the task's name or
 * the message (a newline would start what looks like another task's line) are written escaped,
 * as Java writes them in source: {@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}.
 * Unicode's line and paragraph separators are escaped too.
 */
public final class LogLines {
  private LogLines() {}

  public static String escape(String line) {
    int i = 0;
    while (i < line.length() && !needsEscape(line.charAt(i))) {
      i++;
    }
    if (i == line.length()) {
      return line;  // the usual case: nothing to copy
    }
    StringBuilder out = new StringBuilder(line.length() + 16).append(line, 0, i);
    for (; i < line.length(); i++) {
      char c = line.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (needsEscape(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }
}
