/**
 * Objects: entries and the refs that reach them, the object store (capacity, spilling, release),
 * the reference tracker, size estimates, and how ids are written. Imports only {@code resource}.
 * What produces an object and how a ref waits are interfaces of this room
 * ({@link io.raylite.internal.object.Producer}, {@link io.raylite.internal.object.Awaiter}) that the
 * rooms above implement.
 */
package io.raylite.internal.object;
