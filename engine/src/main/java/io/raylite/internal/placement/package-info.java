/**
 * Placement groups: {@code PlacementGroupRecord} (one group's gang reservation and its bundles, each
 * a ledger and scheduler of its own) and {@code PlacementGroupTable} (creation, names, the table of
 * all groups); on a cluster runtime, {@code RemotePlacementGroups} (the backend's groups, whose
 * bundles are reserved on nodes, as groups of this runtime). Sits between the actor room, which places actors in bundles, and the task room,
 * whose {@code TaskRun}s it schedules in them.
 */
package io.raylite.internal.placement;
