package io.raylite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java snippets of the README and of the user guide (docs/guide/*.md) are the text of compiled
 * files, so they compile and run: mostly the examples', and tests for what only a test shows (the
 * JUnit extension). Each ```java block of those pages follows a marker naming its source:
 * {@code <!-- examples/.../File.java -->} for a whole file, or {@code <!-- module/.../File.java#name -->}
 * for the lines between {@code // region name} and {@code // endregion name} in it, without their
 * common indentation. Their relative links must lead to a file, and to a heading, that exist.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..");
  private static final String QUICKSTART = "examples/src/main/java/io/raylite/examples/Quickstart.java";
  private static final Pattern MARKED_BLOCK =
      Pattern.compile("<!-- ([\\w-]+/src/[^ #]+\\.java)(?:#([\\w-]+))? -->\\n```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern FENCED_BLOCK = Pattern.compile("^```.*?^```", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);

  /** The README, then the user guide's pages, as paths from the repository root. */
  static Stream<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> guide = Files.list(ROOT.resolve("docs/guide"))) {
      guide.map(p -> Path.of("docs/guide", p.getFileName().toString()))
          .filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages.stream();
  }

  private static String read(Path page) throws IOException {
    return Files.readString(ROOT.resolve(page));
  }

  @ParameterizedTest
  @MethodSource("pages")
  void everyJavaBlockNamesTheExampleItComesFrom(Path page) throws IOException {
    String text = read(page);
    int javaBlocks = text.split("```java\\n", -1).length - 1;
    int marked = 0;
    Matcher m = MARKED_BLOCK.matcher(text);
    while (m.find()) {
      marked++;
    }
    assertEquals(javaBlocks, marked,
        "every ```java block in " + page + " must be preceded by <!-- module/src/...java[#region] --> and be that text;"
            + " put new snippets in an example under examples/ (or a test of the module) first");
  }

  @ParameterizedTest
  @MethodSource("pages")
  void everyMarkedBlockIsTheTextOfItsExample(Path page) throws IOException {
    Matcher m = MARKED_BLOCK.matcher(read(page));
    while (m.find()) {
      String source = Files.readString(ROOT.resolve(m.group(1)));
      String expected = m.group(2) == null ? source : region(source, m.group(2), m.group(1));
      assertEquals(expected, m.group(3), page + "'s snippet from " + m.group(0).lines().findFirst().orElseThrow());
    }
  }

  @Test
  void theQuickstartIsTheReadmesFirstSnippet() throws IOException {
    Matcher m = MARKED_BLOCK.matcher(read(Path.of("README.md")));
    assertTrue(m.find() && m.group(1).equals(QUICKSTART) && m.group(2) == null,
        "the README's first ```java block must be the whole of " + QUICKSTART);
  }

  @ParameterizedTest
  @MethodSource("pages")
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist(Path page) throws IOException {
    Matcher m = LINK.matcher(withoutFencedBlocks(read(page)));
    List<String> broken = new ArrayList<>();
    while (m.find()) {
      String link = m.group(1);
      if (link.matches("[a-z]+:.*")) {
        continue;  // https:, mailto: ...
      }
      int hash = link.indexOf('#');
      String file = hash < 0 ? link : link.substring(0, hash);
      Path target = file.isEmpty() ? ROOT.resolve(page) : ROOT.resolve(page).resolveSibling(file).normalize();
      if (!Files.exists(target)) {
        broken.add(link + " (no such file)");
      } else if (hash >= 0 && !anchors(Files.readString(target)).contains(link.substring(hash + 1))) {
        broken.add(link + " (no such heading)");
      }
    }
    assertEquals(List.of(), broken, page + " links to what does not exist");
  }

  /** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens. */
  private static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher m = HEADING.matcher(withoutFencedBlocks(markdown));
    while (m.find()) {
      String slug = m.group(1).strip().toLowerCase(Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return anchors;
  }

  private static String withoutFencedBlocks(String markdown) {
    return FENCED_BLOCK.matcher(markdown).replaceAll("");
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
