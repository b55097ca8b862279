package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The load figures, and the summary's rows, warning and notes, from injected readings of the machine. */
class MachineLoadTest {
  private static final long SECOND = 1_000_000_000L;

  /**
   * A mode of {@code wall} seconds on 2 cores in which this process used {@code ours} CPU seconds,
   * every process together {@code busy}, and the hypervisor stole {@code steal}.
   */
  private static MachineLoad load(double wall, double ours, double busy, double steal) {
    MachineLoad.Snapshot start = new MachineLoad.Snapshot(0, 0, 1_000, 50, 0.5);
    MachineLoad.Snapshot end = new MachineLoad.Snapshot((long) (wall * SECOND), (long) (ours * SECOND),
        1_000 + Math.round(busy * 100), 50 + Math.round(steal * 100), 2.5);
    return MachineLoad.between(start, end, 2);
  }

  private static ModeResult mode(Mode mode, MachineLoad load) {
    ModelRun run = new ModelRun(8, 0.3, "0", 1, 0, SECOND);
    return new ModeResult(mode, mode == Mode.SEQUENTIAL ? 1 : 2, List.of(run), 0, load.wallSeconds(),
        load.processCpuSeconds(), load);
  }

  @Test
  void otherProcesses_areTheMachinesBusyTimeLessOurs_inCores() {
    MachineLoad load = load(10, 19, 27, 0);
    assertEquals(0.8, load.otherProcessCores(), 1e-9);
    assertEquals(0.0, load.stolenCores(), 1e-9);
    assertEquals(0.4, load.takenShare(), 1e-9);
    assertEquals(0.5, load.loadAverageStart());
    assertEquals(2.5, load.loadAverageEnd());
  }

  @Test
  void stolenTime_countsAsTakenFromTheMachine() {
    MachineLoad load = load(10, 19, 19, 3);
    assertEquals(0.3, load.stolenCores(), 1e-9);
    assertEquals(0.15, load.takenShare(), 1e-9);
    assertTrue(load.material());
  }

  @Test
  void tickRounding_neverMakesOtherProcessesNegative() {
    // /proc/stat counts in hundredths: a machine total a little under our finer clock is 0, not less.
    assertEquals(0.0, load(10, 19.004, 19.0, 0).otherProcessCores());
  }

  @Test
  void aQuietMachine_getsNoWarning() {
    MachineLoad quiet = load(10, 19, 19.5, 0);  // others 0.05 cores: 2.5% of the machine
    assertFalse(quiet.material());
    assertEquals(List.of(), Summary.warnings(List.of(mode(Mode.SEQUENTIAL, quiet), mode(Mode.PARALLEL, quiet))));
  }

  @Test
  void othersTakingATenthOfTheMachine_warnsNamingThatModeOnly() {
    MachineLoad quiet = load(10, 10, 10.5, 0);
    MachineLoad busy = load(10, 17, 27, 0);  // others 1.0 core of 2
    List<String> warnings = Summary.warnings(List.of(mode(Mode.SEQUENTIAL, quiet), mode(Mode.PARALLEL, busy)));
    assertEquals(List.of("WARNING: other processes took a material share of this machine during the parallel (1.00 of 2 "
        + "cores, 50%) mode. Those times are slower than on an idle machine, and speedups compare modes that ran "
        + "under different loads: run again on a quiet machine before drawing conclusions."), warnings);
  }

  @Test
  void severalBusyModes_shareOneWarning_andStolenTimeNamesTheHypervisor() {
    MachineLoad busy = load(10, 17, 27, 0);
    MachineLoad stolen = load(10, 17, 17, 4);  // the hypervisor took 0.4 cores
    List<String> warnings = Summary.warnings(List.of(mode(Mode.SEQUENTIAL, busy), mode(Mode.PARALLEL, busy),
        mode(Mode.NESTED, stolen)));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.getFirst().startsWith("WARNING: other processes and the hypervisor took a material share of "
        + "this machine during the sequential (1.00 of 2 cores, 50%), parallel (1.00 of 2 cores, 50%) and nested "
        + "(0.40 of 2 cores, 20%) modes."), warnings.getFirst());
  }

  @Test
  void justUnderATenth_isNotMaterial() {
    assertFalse(load(10, 10, 11.9, 0).material());
    assertTrue(load(10, 10, 12.0, 0).material());
  }

  @Test
  void withoutProcStat_theLoadIsUnknown_andTheSummarySaysSo() {
    MachineLoad.Snapshot start = new MachineLoad.Snapshot(0, 0, -1, -1, Double.NaN);
    MachineLoad.Snapshot end = new MachineLoad.Snapshot(10 * SECOND, 10 * SECOND, -1, -1, Double.NaN);
    MachineLoad unknown = MachineLoad.between(start, end, 2);
    assertFalse(unknown.known());
    assertFalse(unknown.material());
    List<String> warnings = Summary.warnings(List.of(mode(Mode.SEQUENTIAL, unknown)));
    assertEquals(1, warnings.size());
    assertTrue(warnings.getFirst().contains("no /proc/stat"), warnings.getFirst());
    assertTrue(Summary.row(mode(Mode.SEQUENTIAL, unknown), null).endsWith("?       ?       ?"),
        Summary.row(mode(Mode.SEQUENTIAL, unknown), null));
  }

  @Test
  void summaryRow_showsLoadOthersAndStolenBesideTheTimes() {
    ModeResult parallel = mode(Mode.PARALLEL, load(10, 17, 27, 1));
    assertEquals("parallel         2      10.00      17.00      1.70        -   2.50    1.00    0.10",
        Summary.row(parallel, null));
  }

  @Test
  void moreWorkersThanCpus_getANoteSayingWhy_andAsManyAsCpusGetNone() {
    MachineLoad load = load(10, 19, 19, 0);
    List<ModelRun> onThree = List.of(new ModelRun(8, 0.3, "0", 1, 0, SECOND), new ModelRun(12, 0.3, "1", 1, 0, SECOND),
        new ModelRun(16, 0.3, "2", 1, 0, SECOND));
    ModeResult spare = new ModeResult(Mode.NESTED, 2, onThree, 0, 10, 19, load);
    assertEquals("Note: 3 engine threads (workers 0, 1, 2) ran models on 2 CPUs: a task waiting in get for its GPU "
        + "scoring lends its CPU, and the engine starts a spare worker to use it, so up to 3 forests grew at once.",
        Summary.spareWorkers(spare));
    ModeResult onTwo = new ModeResult(Mode.NESTED, 2, onThree.subList(0, 2), 0, 10, 19, load);
    assertNull(Summary.spareWorkers(onTwo));
  }

  @Test
  void procStatCpuLine_busyIsUserNiceSystemIrqSoftirq_andStealIsTheEighthField() {
    long[] cpu = MachineLoad.Snapshot.parseCpuLine("cpu  29687 3 15008 36833 805 7 340 11 0 0");
    assertArrayEquals(new long[] {29687, 3, 15008, 36833, 805, 7, 340, 11, 0, 0}, cpu);
    assertEquals(29687 + 3 + 15008 + 7 + 340, MachineLoad.Snapshot.busy(cpu));
    assertEquals(11, MachineLoad.Snapshot.steal(cpu));
  }
}
