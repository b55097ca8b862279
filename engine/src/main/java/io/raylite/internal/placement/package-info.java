/**
 * Placement groups: {@code PlacementGroupRecord} (one group's gang reservation and its bundles, each
 * a ledger and scheduler of its own) and {@code PlacementGroupTable} (creation, names, the table of
 * all groups). Sits between the actor room, which places actors in bundles, and the task room,
 * whose {@code TaskRun}s it schedules in them.
 */
package io.raylite.internal.placement;
