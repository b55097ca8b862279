/**
 * Resources, the bottom room: the ledger of capacities and what is free (in fixed-point units, GPUs
 * per device), canonical resource shapes, allocations, and the Scheduler that queues tasks per shape
 * and grants, lends and reclaims resources. It imports no other room of the engine; it sees tasks
 * only as {@link io.raylite.internal.resource.Schedulable}.
 */
package io.raylite.internal.resource;
