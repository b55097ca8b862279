package io.raylite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** raylite-bom has no parent, so nothing else keeps its version and its list in step with the build. */
class BomTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern PROJECT_VERSION =
      Pattern.compile("<artifactId>(raylite-parent|raylite-bom)</artifactId>.*?<version>([^<]+)</version>", Pattern.DOTALL);

  private static String version(String pom) {
    Matcher m = PROJECT_VERSION.matcher(pom);
    assertTrue(m.find(), "no project version in " + pom.substring(0, Math.min(200, pom.length())));
    return m.group(2);
  }

  @Test
  void bomVersion_isTheParentsVersion() throws IOException {
    assertEquals(version(Files.readString(ROOT.resolve("pom.xml"))),
        version(Files.readString(ROOT.resolve("bom/pom.xml"))));
  }

  @Test
  void bom_listsEveryPublishedModule() throws IOException {
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
    for (String module : new String[] {"engine", "gpu", "dashboard", "cluster", "junit"}) {
      assertTrue(bom.contains("<artifactId>raylite-" + module + "</artifactId>"), "raylite-" + module);
    }
  }
}
