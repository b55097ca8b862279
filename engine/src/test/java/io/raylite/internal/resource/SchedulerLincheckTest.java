package io.raylite.internal.resource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker against the hand-off between the scheduler's lock-free path (the CPU
 * word and the CPU-only shapes' FIFOs) and its lock path (see the Scheduler's "Fast path"): it
 * runs the operations below from several threads in the interleavings it chooses, switching
 * threads at shared accesses, and after each run checks that nothing was lost:
 * <ul>
 *   <li>CPUs are conserved: free plus held by running tasks equals capacity;
 *   <li>no wake-up is lost: a task still queued (in a FIFO or a lock-path queue), or a blocked task
 *       still waiting to reclaim its CPUs, could not start with what is free now;
 *   <li>the gate is set exactly while something waits under the lock.
 * </ul>
 * {@link #withinCapacity} also samples the ledger's check during the run; its only sequential
 * answer is true, so a false one fails the linearizability check.
 *
 * <p>The runs are few by default, for CI's quick mode (20 scenarios of 50 interleavings each);
 * {@code -Draylite.lincheck.iterations=S -Draylite.lincheck.invocations=N} explores S scenarios
 * of N interleavings each instead.
 *
 * <p>Random scenarios rarely hit the narrow windows where the lock path makes something wait
 * while a lock-free give-back races with it, so a second test runs hand-written scenarios aimed at
 * them: a release against a lock-path task, a prioritized task and a gang reservation, each of
 * which must set the gate before its last attempt to take CPU (else the give-back drains
 * lock-free, sees no FIFO waiting, and the waiter stays queued with the CPU free); a blocked
 * task's reclaim against a lock-free submit; and priorities with gang reservations together
 * (as many interleavings per scenario as the random test).
 */
public class SchedulerLincheckTest {
  private final ResourceLedger ledger = new ResourceLedger(1, 1, 0, Map.of(), null);
  /** Dispatched tasks that hold their CPUs, in the order they started. */
  private final ConcurrentLinkedQueue<Job> running = new ConcurrentLinkedQueue<>();
  /** Blocked tasks whose reclaim is not granted yet. */
  private final ConcurrentLinkedQueue<Job> reclaiming = new ConcurrentLinkedQueue<>();
  /** Every task submitted, to find those still queued. */
  private final ConcurrentLinkedQueue<Job> submitted = new ConcurrentLinkedQueue<>();
  private final Scheduler<Job> scheduler = new Scheduler<>(ledger, running::add, Runnable::run);
  private final ResourceShape cpu = scheduler.shapeOf(Map.of("CPU", 1.0), "cpu");
  private final ResourceShape gpu = scheduler.shapeOf(Map.of("CPU", 1.0, "GPU", 1.0), "gpu");

  {
    // Every run starts with the one CPU taken by a running task, so that the first operations
    // already race a release against a queued task, where a wake-up could be lost.
    submitCpuTask();
  }

  /** Gang reservations of one {CPU: 1} bundle, granted or waiting. */
  private final ConcurrentLinkedQueue<Scheduler.GroupReservation> groups = new ConcurrentLinkedQueue<>();

  /** The smallest task the scheduler can hold. */
  static final class Job implements Schedulable<Job> {
    final ResourceShape shape;
    final int priority;
    volatile boolean queued;
    volatile Allocation allocation;
    private Job next;

    Job(ResourceShape shape) {
      this(shape, 0);
    }

    Job(ResourceShape shape, int priority) {
      this.shape = shape;
      this.priority = priority;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public ResourceShape shape() {
      return shape;
    }

    @Override
    public boolean onVirtualThread() {
      return false;
    }

    @Override
    public void markQueued() {
      queued = true;
    }

    @Override
    public boolean isQueued() {
      return queued;
    }

    @Override
    public boolean markDispatched(Allocation granted) {
      allocation = granted;
      queued = false;
      return true;
    }

    @Override
    public Job nextReady() {
      return next;
    }

    @Override
    public void nextReady(Job n) {
      next = n;
    }
  }

  /** A {CPU: 1} task: the lock-free path. */
  @Operation
  public void submitCpuTask() {
    Job job = new Job(cpu);
    submitted.add(job);
    scheduler.submit(job);
  }

  /** A {CPU: 1, GPU: 1} task: the lock path. */
  @Operation
  public void submitGpuTask() {
    Job job = new Job(gpu);
    submitted.add(job);
    scheduler.submit(job);
  }

  /** A {CPU: 1} task with a priority: the lock path and its priority lane. */
  @Operation
  public void submitPriorityTask() {
    Job job = new Job(cpu, 1);
    submitted.add(job);
    scheduler.submit(job);
  }

  /** A placement group of one {CPU: 1} bundle: a gang reservation under the lock. */
  @Operation
  public void reserveGroup() {
    groups.add(scheduler.reserveAll(new ResourceShape[] {cpu}));
  }

  /** The oldest running task ends and gives its resources back. */
  @Operation
  public void finishOne() {
    Job job = running.poll();
    if (job != null) {
      scheduler.release(job.allocation);
    }
  }

  /** The oldest running task blocks in get, lending its CPUs, and at once wants them back. */
  @Operation
  public void blockOne() {
    Job job = running.poll();
    if (job == null) {
      return;
    }
    scheduler.lendCpu(job.allocation);
    CompletableFuture<Void> granted = scheduler.reclaimCpu(job.allocation);
    if (granted == null) {
      running.add(job);
    } else {
      reclaiming.add(job);
      granted.thenRun(() -> {
        reclaiming.remove(job);
        running.add(job);
      });
    }
  }

  @Operation
  public boolean withinCapacity() {
    return scheduler.withinCapacity();
  }

  @Validate
  public void nothingLost() {
    long held = 0;
    boolean gpuHeld = false;
    for (Job job : running) {
      held += job.shape.cpu();
      gpuHeld |= job.shape == gpu;
    }
    for (Job job : reclaiming) {
      gpuHeld |= job.shape == gpu;
    }
    long free = ledger.freeCpu();
    long granted = 0;
    for (Scheduler.GroupReservation group : groups) {
      granted += group.isDone() ? 1 : 0;  // completed in the drain that granted it
    }
    long groupHeld = granted * FixedPoint.ONE;
    check(free + held + groupHeld == FixedPoint.ONE,
        "CPUs conserved: free " + free + ", held " + held + ", by groups " + groupHeld);
    boolean groupWaits = granted < groups.size();
    check(!groupWaits || free < FixedPoint.ONE, "a gang reservation could be granted: free " + free);
    boolean waiting = !reclaiming.isEmpty() || groupWaits;
    for (Job job : submitted) {
      if (job.queued) {
        waiting |= job.shape == gpu || job.priority != 0;  // the others wait in their lock-free FIFO
        boolean couldStart = free >= job.shape.cpu() && (job.shape != gpu || !gpuHeld);
        check(!couldStart, "a queued task could start: free " + free + ", gpu held " + gpuHeld);
      }
    }
    if (!reclaiming.isEmpty()) {
      check(free < FixedPoint.ONE, "a reclaim could be granted: free " + free);
    }
    check(ledger.gated() == waiting, "gate " + ledger.gated() + " while waiting " + waiting);
  }

  private static void check(boolean holds, String what) {
    if (!holds) {
      throw new IllegalStateException(what);
    }
  }

  @Test
  void theLockFreePathAndTheLockPathHandOffWithoutLosingCpusOrWakeUps() {
    new ModelCheckingOptions()
        .iterations(Integer.getInteger("raylite.lincheck.iterations", 20))
        .invocationsPerIteration(Integer.getInteger("raylite.lincheck.invocations", 50))
        .actorsBefore(0)
        .actorsAfter(0)
        .threads(2)
        .actorsPerThread(2)
        .check(SchedulerLincheckTest.class);
  }

  @Test
  void aWaiterUnderTheLockSetsTheGateBeforeItsLastAttemptSoAGiveBackRacingWithItReachesIt() throws Exception {
    ModelCheckingOptions options = new ModelCheckingOptions()
        .iterations(0)
        .invocationsPerIteration(Integer.getInteger("raylite.lincheck.invocations", 50));
    options.addCustomScenario(scenario(List.of("submitGpuTask"), List.of("finishOne")));
    options.addCustomScenario(scenario(List.of("submitPriorityTask"), List.of("finishOne")));
    options.addCustomScenario(scenario(List.of("reserveGroup"), List.of("finishOne")));
    options.addCustomScenario(scenario(List.of("blockOne"), List.of("submitCpuTask", "finishOne")));
    options.addCustomScenario(scenario(List.of("submitPriorityTask", "finishOne"),
        List.of("reserveGroup", "submitCpuTask")));
    options.addCustomScenario(scenario(List.of("reserveGroup", "finishOne"),
        List.of("submitCpuTask", "submitPriorityTask")));
    options.check(SchedulerLincheckTest.class);
  }

  /** Two threads running the named operations in order, with the usual validation after them. */
  private static ExecutionScenario scenario(List<String> first, List<String> second) throws Exception {
    return new ExecutionScenario(List.of(), List.of(actors(first), actors(second)), List.of(),
        new Actor(SchedulerLincheckTest.class.getMethod("nothingLost"), List.of()));
  }

  private static List<Actor> actors(List<String> operations) throws Exception {
    List<Actor> actors = new java.util.ArrayList<>();
    for (String operation : operations) {
      actors.add(new Actor(SchedulerLincheckTest.class.getMethod(operation), List.of()));
    }
    return actors;
  }
}
