package io.raylite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippets are the text of compiled files, so they compile and run: mostly the
 * examples', and tests for what only a test shows (the JUnit extension). Each ```java block of the
 * README follows a marker naming its source: {@code <!-- examples/.../File.java -->} for a whole
 * file, or {@code <!-- module/.../File.java#name -->} for the lines between
 * {@code // region name} and {@code // endregion name} in it, without their common indentation.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern MARKED_BLOCK =
      Pattern.compile("<!-- ([\\w-]+/src/[^ #]+\\.java)(?:#([\\w-]+))? -->\\n```java\\n(.*?)```", Pattern.DOTALL);

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

  @Test
  void everyJavaBlockInTheReadmeNamesTheExampleItComesFrom() throws IOException {
    String readme = readme();
    int javaBlocks = readme.split("```java\\n", -1).length - 1;
    int marked = 0;
    Matcher m = MARKED_BLOCK.matcher(readme);
    while (m.find()) {
      marked++;
    }
    assertEquals(javaBlocks, marked,
        "every ```java block in README.md must be preceded by <!-- module/src/...java[#region] --> and be that text;"
            + " put new snippets in an example under examples/ (or a test of the module) first");
  }

  @Test
  void everyMarkedBlockIsTheTextOfItsExample() throws IOException {
    Matcher m = MARKED_BLOCK.matcher(readme());
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      String source = Files.readString(ROOT.resolve(m.group(1)));
      String expected = m.group(2) == null ? source : region(source, m.group(2), m.group(1));
      assertEquals(expected, m.group(3), "README.md's snippet from " + m.group(0).lines().findFirst().orElseThrow());
      checked.add(m.group(1));
    }
    assertTrue(checked.contains("examples/src/main/java/io/raylite/examples/Quickstart.java"),
        "the Quickstart is the README's first snippet: " + checked);
  }

  /** The lines between the region's markers, less their common indentation, each ending in \n. */
  private static String region(String source, String name, String file) {
    List<String> lines = source.lines().toList();
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.equals("// region " + name)) {
        start = i + 1;
      } else if (line.equals("// endregion " + name)) {
        end = i;
      }
    }
    if (start < 0 || end < start) {
      fail(file + " has no region " + name);
    }
    List<String> body = lines.subList(start, end);
    int indent = body.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder text = new StringBuilder();
    for (String line : body) {
      text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return text.toString();
  }
}
