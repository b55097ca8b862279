package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private static final String ERASE = "\r\033[K";

  @Test
  void redirectedOutput_getsNoBar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (ProgressBar bar = ProgressBar.forOutput(out)) {
      assertFalse(bar.enabled());
      assertSame(out, bar.lines());
      bar.start("parallel", 2);
      bar.lines().println("n_estimators=8");
      bar.step();
    }
    assertEquals("n_estimators=8" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void onATerminal_linesAppearWholeAboveTheBar_andTheBarIsErasedAtTheEnd() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ProgressBar bar = ProgressBar.onTerminal(new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      bar.start("parallel", 2);
      bar.lines().print("n_estimators=8, ");
      bar.lines().println("mse=0.2992");
      bar.step();
      bar.step();
    }
    String screen = bytes.toString(StandardCharsets.UTF_8);
    // The line is written in one piece after the bar is erased, then the bar is drawn again.
    assertTrue(screen.contains(ERASE + "n_estimators=8, mse=0.2992" + System.lineSeparator() + ERASE + "parallel ["),
        screen);
    assertTrue(screen.contains("] 0/2 models"), screen);
    assertTrue(screen.contains("[" + "#".repeat(15) + ".".repeat(15) + "] 1/2 models"), screen);
    assertTrue(screen.contains("[" + "#".repeat(30) + "] 2/2 models"), screen);
    assertTrue(screen.endsWith(ERASE), screen);
  }
}
