/**
 * The engine behind {@link io.raylite.Raylite}; not exported. It is split into rooms, one per
 * concern, that import each other one way only, from the top down:
 *
 * <pre>
 *   internal   LocalRuntime (each public call), Timeline, RuntimeConfig, RuntimeMBean (JMX),
 *      |       RuntimeState (the state API's listings)
 *      |
 *   actor      ActorRegistry, ActorRecord (one actor's life), ActorMailbox, ActorCallRun (one run
 *      |       of an actor's method or constructor), ActorThreads, ActorCallRunEvent (JFR)
 *   placement  PlacementGroupRecord (one placement group: its gang reservation, and each bundle's
 *      |       ledger and scheduler), PlacementGroupTable (creation, names, the table of groups)
 *   task       TaskRun (one submitted task), Blocking (how a thread waits), Workers, Engine (the
 *      |       parts of a runtime that tasks and actors share), TimelineSink, Invoker (generated),
 *      |       TaskRunEvent (JFR), Propagation (dependency hand-over without recursion),
 *      |       TaskLineage (rebuilds a lost result), ThreadState, LogLines, ShutdownReport (threads
 *      |       left behind by close), TaskTable (live and recently finished tasks, for the state
 *      |       API), StateRecorder, GeneratorStream (a streaming generator's values, both ends),
 *      |       MultipleReturns (numReturns), WrappedFunction (what runs in place of a user's function)
 *   object     ObjectEntry, ObjectRefImpl, ObjectStore, RefTracker, SpillFiles, SpillSeal (a spill
 *      |       file's length, CRC32C and class), SpillDirectories, SizeEstimator, Ids
 *   resource   Scheduler, ResourceLedger, ResourceShape, Allocation, FixedPoint
 * </pre>
 *
 * <p>A lower room calls upward only through a small interface of its own that a higher room
 * implements: the scheduler dispatches {@code resource.Schedulable} tasks; an object entry's
 * producer is an {@code object.Producer} (a task or an actor call), a ref waits through its
 * store's {@code object.Awaiter}, and a task result whose spill file is lost is rebuilt through its
 * {@code object.Lineage}; tasks and actor calls record into a {@code task.TimelineSink}.
 * The state API's {@code RuntimeState} reads every room; the store tells it of stored and released
 * objects through an {@code object.StoreObserver}, and tasks and actors hand it log lines and dead
 * actors' last rows through a {@code task.StateRecorder}, which extends it.
 * Every room may use the public API ({@code io.raylite}, {@code io.raylite.spi}), and
 * {@code io.raylite} reaches the engine through {@link io.raylite.internal.LocalRuntime} and the
 * actor handles' {@code actor.ActorRecord}.
 */
package io.raylite.internal;
