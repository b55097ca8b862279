package io.raylite.internal.actor;

import io.raylite.ActorState;
import java.util.List;

/**
 * Where one actor call stands, read under its actor's monitor, for diagnosis ({@code explain} and
 * deadlock detection).
 *
 * @param actor names the actor: {@code actor 'name' (a-1)}
 * @param actorState the actor's state
 * @param ahead how many calls of its group are queued ahead of it, or -1 if it is not queued
 * @param running whether it is running now
 * @param limit its group's concurrency
 * @param groupRunning the calls of its group running now, oldest first
 * @param restarts how many times the actor was rebuilt after a failure (a rebuild in progress counts)
 */
public record ActorCallStanding(String actor, ActorState actorState, int ahead, boolean running, int limit,
    List<ActorCallRun> groupRunning, int restarts) {}
