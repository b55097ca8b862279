/**
 * Actors: the registry of a runtime's actors, one actor's life (ActorRecord: its state machine,
 * mailboxes and restarts), its mailboxes, one run of its method or constructor (ActorCallRun), and
 * its threads. Imports {@code task}, {@code object} and {@code resource}.
 */
package io.raylite.internal.actor;
