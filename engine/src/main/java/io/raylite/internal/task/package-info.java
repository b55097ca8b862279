/**
 * Tasks: a submitted task's run from submission to its end (TaskRun), how a thread waits for
 * objects (Blocking: help, lend, reclaim), the worker threads, the parts of a runtime that tasks and
 * actors share (Engine), the timeline sink they record into, how a lost result is rebuilt
 * (TaskLineage), and what close reports of threads left behind (ShutdownReport). Imports
 * {@code object} and {@code resource}.
 */
package io.raylite.internal.task;
