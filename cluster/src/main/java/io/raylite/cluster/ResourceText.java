package io.raylite.cluster;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Resources as a member attribute: {@code CPU=4.0;GPU=1.0;disk=2.0}. */
final class ResourceText {
  private ResourceText() {}

  static String format(Map<String, Double> resources) {
    return resources.entrySet().stream()
        .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%s", e.getValue()))
        .collect(Collectors.joining(";"));
  }

  /** @throws IllegalArgumentException if the text is not of that form */
  static Map<String, Double> parse(String text) {
    Map<String, Double> resources = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return resources;
    }
    for (String pair : text.split(";")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("resource must be name=amount, got '" + pair + "'");
      }
      resources.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
    }
    return resources;
  }
}
