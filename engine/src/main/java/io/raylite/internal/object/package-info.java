/**
 * Objects: entries and the refs that reach them, the object store (capacity, spilling, release),
 * the reference tracker, spill files and their checks (SpillSeal, SpillDirectories), size
 * estimates, and how ids are written. Imports only {@code resource}.
 * What produces an object, how a ref waits and how a lost value is rebuilt are interfaces of this
 * room ({@link io.raylite.internal.object.Producer}, {@link io.raylite.internal.object.Awaiter},
 * {@link io.raylite.internal.object.Lineage}) that the rooms above implement.
 */
package io.raylite.internal.object;
