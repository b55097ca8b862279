package io.raylite.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.StateFilter;
import io.raylite.TaskFailedException;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real headless Chromium, driven by Selenium: each opens while a workload runs (a
 * task held on a gate for the whole class, plus what each test starts), and the test checks that
 * the live numbers appear and change. Waiting is Selenium's explicit wait, the browser's own way.
 * One browser for the class; a screenshot per test under target/screenshots/. The driver and the
 * browser come from the paths Surefire passes (Debian's chromium and chromium-driver), so nothing
 * is downloaded, and the tests fail, never skip, when they are missing.
 */
@Timeout(300)
class DashboardPagesTest {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static Raylite ray;
  static String base;
  static ChromeDriver browser;
  static WebDriverWait wait;
  static final CompletableFuture<Void> background = new CompletableFuture<>();
  static ObjectRef<Integer> backgroundTask;

  static int hold(CountDownLatch started, CompletableFuture<Void> until) throws Exception {
    started.countDown();
    until.get();
    return 1;
  }

  static int fail(String message) {
    throw new IllegalStateException(message);
  }

  static final class Worker {
    int done;

    int work(CountDownLatch started, CompletableFuture<Void> until) throws Exception {
      started.countDown();
      until.get();
      return ++done;
    }

    int quick() {
      return ++done;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    ray = Raylite.builder().cpus(4).gpus(1).resource("slot", 4).dashboard(0)
        .logStream(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build();
    base = ray.dashboardUrl().orElseThrow();
    CountDownLatch started = new CountDownLatch(1);
    backgroundTask = ray.task(DashboardPagesTest::hold, started, background).name("background")
        .numGpus(0.5).resource("slot", 1).remote();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    browser = new ChromeDriver(driverService(), options());
    wait = newWait();
    Files.createDirectories(SCREENSHOTS);
  }

  /** Selenium's explicit wait; the pages redraw their tables every second, so a stale element is looked up again. */
  static WebDriverWait newWait() {
    WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(30));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  static ChromeDriverService driverService() {
    File driver = new File(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));
    assertTrue(driver.canExecute(), "ChromeDriver not found at " + driver
        + ": install Debian's chromium-driver (./mvnw does, through tools/ensure-chromium) or pass -Dchromedriver.binary=PATH");
    return new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build();
  }

  static ChromeOptions options() throws IOException {
    File chromium = new File(System.getProperty("raylite.test.chromium", "/usr/bin/chromium"));
    assertTrue(chromium.canExecute(), "Chromium not found at " + chromium
        + ": install Debian's chromium (./mvnw does, through tools/ensure-chromium) or pass -Dchromium.binary=PATH");
    Path profile = Files.createTempDirectory("raylite-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1400,1000", "--user-data-dir=" + profile);
    return options;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      background.complete(null);
      ray.get(backgroundTask);
      ray.close();
    }
  }

  @AfterEach
  void screenshot(TestInfo test) throws IOException {
    File shot = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  static void open(String path) {
    browser.get(base + path);
    wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-ok", "true"));
  }

  /** Clicks an element of a table that the page redraws every second: a redrawn row is found again. */
  static void click(By element) {
    wait.until(d -> {
      d.findElement(element).click();
      return true;
    });
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  static void waitForText(String id, String expected) {
    newWait().withMessage(() -> "#" + id + " should read '" + expected + "'")
        .until(ExpectedConditions.textToBe(By.id(id), expected));
  }

  static int count(TaskState state) {
    return ray.state().summary().byState().getOrDefault(state, 0);
  }

  @Test
  void overview_showsTaskCountsAndResourceCharts_andTheyChangeLive() throws Exception {
    open("/");
    waitForText("count-RUNNING", "1");
    wait.until(d -> Integer.parseInt(d.findElement(By.id("chart-res-CPU")).getDomAttribute("data-points")) >= 1);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("chart-gpu-0")));
    int finished = count(TaskState.FINISHED);
    waitForText("count-FINISHED", Integer.toString(finished));

    CountDownLatch started = new CountDownLatch(2);
    CompletableFuture<Void> release = new CompletableFuture<>();
    List<ObjectRef<Integer>> held = List.of(
        ray.task(DashboardPagesTest::hold, started, release).name("overview-held").remote(),
        ray.task(DashboardPagesTest::hold, started, release).name("overview-held").remote());
    assertTrue(started.await(30, TimeUnit.SECONDS));
    waitForText("count-RUNNING", "3");
    waitForText("figure-res-CPU", "3 / 4");
    release.complete(null);
    ray.get(held);
    List<ObjectRef<Integer>> quick = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      quick.add(ray.task(() -> 1).name("overview-quick").remote());
    }
    ray.get(quick);
    waitForText("count-RUNNING", "1");
    waitForText("count-FINISHED", Integer.toString(finished + 7));
    // The overview's screenshot in the README is this page at this moment.
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve("overview.png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void tasks_filterByState_andARowOpensTheErrorWithItsStackTrace() {
    ObjectRef<Integer> broken = ray.task(DashboardPagesTest::fail, "page boom").name("page-broken").remote();
    try {
      ray.get(broken);
    } catch (TaskFailedException expected) {
      // the page shows this failure
    }
    open("/tasks");
    new Select(browser.findElement(By.id("filter-state"))).selectByValue("FAILED");
    wait.until(d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("#task-rows tr"));
      return !rows.isEmpty() && rows.stream().allMatch(r -> r.getText().contains("FAILED"));
    });
    String id = ray.state().tasks(StateFilter.name("page-broken"), 1).rows().get(0).taskId();
    click(By.cssSelector("#task-rows tr[data-task-id='" + id + "']"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-error"),
        "java.lang.IllegalStateException: page boom"));
    assertTrue(text("detail-error").contains("DashboardPagesTest.fail"), text("detail-error"));
  }

  @Test
  void tasks_tableShowsANewTaskLive_andItsStateChanges() throws Exception {
    open("/tasks");
    browser.findElement(By.id("filter-name")).sendKeys("live-task");
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Void> release = new CompletableFuture<>();
    ObjectRef<Integer> task = ray.task(DashboardPagesTest::hold, started, release).name("live-task").remote();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    String id = ray.state().tasks(StateFilter.name("live-task"), 1).rows().get(0).taskId();
    By row = By.cssSelector("#task-rows tr[data-task-id='" + id + "'] td.state");
    wait.until(ExpectedConditions.textToBe(row, "RUNNING"));
    release.complete(null);
    ray.get(task);
    wait.until(ExpectedConditions.textToBe(row, "FINISHED"));
  }

  @Test
  void taskDetail_ofATaskWaitingForItsArgument_showsWhyItIsNotReady() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Void> release = new CompletableFuture<>();
    ObjectRef<Integer> producer = ray.task(DashboardPagesTest::hold, started, release).name("slow-producer").remote();
    ObjectRef<Integer> consumer = ray.task((Integer n) -> n + 1, producer).name("waiting-consumer").remote();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    String id = ray.state().tasks(StateFilter.name("waiting-consumer"), 1).rows().get(0).taskId();
    try {
      open("/tasks#" + id);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-explanation"),
          "waits for its argument"));
      assertTrue(text("detail-explanation").contains("task 'slow-producer'"), text("detail-explanation"));
    } finally {
      release.complete(null);
    }
    assertEquals(2, ray.get(consumer));
  }

  @Test
  void actors_showPendingCallsThatChangeLive_andRecentCalls() throws Exception {
    ActorHandle<Worker> worker = ray.actor(Worker::new).name("page-worker").remote();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Void> release = new CompletableFuture<>();
    ObjectRef<Integer> first = worker.task(Worker::work, started, release).remote();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    ObjectRef<Integer> second = worker.task(Worker::quick).remote();
    open("/actors");
    By pending = By.cssSelector("#actor-rows tr[data-actor-id='" + worker.id() + "'] td:nth-child(6)");
    wait.until(ExpectedConditions.textToBe(pending, "2"));
    click(By.cssSelector("#actor-rows tr[data-actor-id='" + worker.id() + "']"));
    release.complete(null);
    assertEquals(2, ray.get(second));
    ray.get(first);
    wait.until(ExpectedConditions.textToBe(pending, "0"));
    wait.until(d -> d.findElements(By.cssSelector("#call-rows tr")).size() == 2);
  }

  @Test
  void objects_showTheStoreAndANewLargeObjectLive() {
    open("/objects");
    long before = ray.objectStoreStats().objectsInMemory();
    waitForText("stat-objects_in_memory", Long.toString(before));
    ObjectRef<byte[]> object = ray.put(new byte[300_000]);
    waitForText("stat-objects_in_memory", Long.toString(before + 1));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-rows"), object.id()));
    assertEquals(300_000, ray.get(object).length);
  }

  @Test
  void timeline_drawsABarPerFinishedTask() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      refs.add(ray.task(() -> 1).name("timeline-task").remote());
    }
    ray.get(refs);
    List<TaskInfo> finished = ray.state().tasks(StateFilter.state("FINISHED"), 100_000).rows();
    open("/timeline");
    wait.until(d -> d.findElements(By.cssSelector("svg#timeline rect.bar")).size() >= finished.size());
    for (TaskInfo task : finished) {
      assertEquals(1, browser.findElements(By.cssSelector("rect.bar[data-task-id='" + task.taskId() + "']")).size(),
          () -> "no bar for " + task);
    }
    WebElement download = browser.findElement(By.linkText("Download the Chrome trace"));
    assertTrue(download.getDomAttribute("href").startsWith("/api/v0/timeline"));
  }

  @Test
  void logs_showANewLineLive() {
    open("/logs");
    ray.get(ray.task(() -> {
      Raylite.context().log("a line for the logs page");
      return 1;
    }).name("page-talker").remote());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-lines"),
        ") a line for the logs page"));
    assertTrue(text("log-lines").contains("(page-talker worker="), text("log-lines"));
  }
}
