package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProgressBarTest {
  private static final String ERASE = "\r\033[K";
  private static final long SECOND = 1_000_000_000L;

  @Test
  void redirectedOutput_getsNoBar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (ProgressBar bar = ProgressBar.forOutput(out)) {
      assertFalse(bar.enabled());
      assertSame(out, bar.lines());
      bar.start("parallel", 20);
      bar.lines().println("n_estimators=8");
      bar.advance(8);
    }
    assertEquals("n_estimators=8" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void onATerminal_linesAppearWholeAboveTheBar_andTheBarIsErasedAtTheEnd() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ProgressBar bar = ProgressBar.onTerminal(new PrintStream(bytes, true, StandardCharsets.UTF_8), 80)) {
      bar.start("parallel", 20);
      bar.lines().print("n_estimators=8, ");
      bar.lines().println("mse=0.2992");
      bar.advance(8);
      bar.advance(12);
    }
    String screen = bytes.toString(StandardCharsets.UTF_8);
    // The line is written in one piece after the bar is erased, then the bar is drawn again.
    assertTrue(screen.contains(ERASE + "n_estimators=8, mse=0.2992" + System.lineSeparator() + ERASE + "parallel ["),
        screen);
    assertTrue(screen.contains("] 0/20 trees 0% ETA --"), screen);
    assertTrue(screen.contains("] 8/20 trees 40% "), screen);
    assertTrue(screen.contains("] 20/20 trees 100% done in "), screen);
    assertTrue(screen.endsWith(ERASE), screen);
  }

  @Test
  void bar_countsTrees_soThatItsFillIsTheShareOfTreesGrown() {
    // 80 columns: 79 usable, less "parallel [", "] " and the figures, leaves the bar's length.
    String text = ProgressBar.render("parallel", 230, 920, 10 * SECOND, 80);
    String bar = text.substring(text.indexOf('[') + 1, text.indexOf(']'));
    assertEquals(bar.length() / 4, bar.chars().filter(c -> c == '#').count(), text);
    assertTrue(text.endsWith("230/920 trees 25% 30s left"), text);
  }

  @Test
  void eta_isTheTimeLeftAtTheRateSoFar() {
    assertEquals("ETA --", ProgressBar.eta(0, 920, 5 * SECOND));
    assertEquals("30s left", ProgressBar.eta(230, 920, 10 * SECOND));
    assertEquals("3m00s left", ProgressBar.eta(100, 400, 60 * SECOND));
    assertEquals("done in 1m05s", ProgressBar.eta(920, 920, 65 * SECOND));
  }

  @Test
  void duration_readsAsSecondsMinutesOrHours() {
    assertEquals("42s", ProgressBar.duration(42.4));
    assertEquals("3m05s", ProgressBar.duration(185));
    assertEquals("1h02m", ProgressBar.duration(3720));
  }

  @ParameterizedTest
  @ValueSource(ints = {120, 80, 40, 30, 20, 10, 2})
  void bar_neverFillsTheLastColumn_ofAnyWidth(int columns) {
    String text = ProgressBar.render("sequential", 460, 920, 40 * SECOND, columns);
    assertTrue(text.length() <= Math.max(1, columns - 1), columns + ": '" + text + "'");
  }

  @Test
  void inAFortyColumnPane_theBarGivesWayToTheFigures() {
    String text = ProgressBar.render("sequential", 460, 920, 40 * SECOND, 40);
    assertEquals("sequential 460/920 trees 50% 40s left", text);
  }

  @Test
  void inANarrowPane_theLabelAndThenTheTimeLeftGiveWay() {
    assertEquals("460/920 trees 50% 40s left", ProgressBar.render("sequential", 460, 920, 40 * SECOND, 30));
    assertEquals("460/920 trees 50%", ProgressBar.render("sequential", 460, 920, 40 * SECOND, 20));
  }
}
