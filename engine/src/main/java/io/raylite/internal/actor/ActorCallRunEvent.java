package io.raylite.internal.actor;

import io.raylite.internal.object.Ids;
import io.raylite.internal.task.TaskRunEvent;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A JDK Flight Recorder event for one ended actor call or run of an actor's constructor, committed
 * once by the thread that ends it, as {@link TaskRunEvent} is for tasks, and as cheap while
 * disabled: the event is allocated and asked {@code isEnabled()} before anything is read.
 */
@Name("io.raylite.ActorCall")
@Label("Raylite Actor Call")
@Category("Raylite")
@Description("An actor method call or constructor run that ended: finished, failed or cancelled")
@StackTrace(false)
public final class ActorCallRunEvent extends jdk.jfr.Event {
  @Label("Runtime")
  String runtime;

  @Label("Name")
  String name;

  @Label("Call Id")
  String callId;

  @Label("Actor Id")
  String actorId;

  @Label("Construction")
  @Description("Whether this was a run of the actor's constructor (the first, or one per restart)")
  boolean construction;

  @Label("Worker")
  @Description("The label of the thread that ended the call: the actor's thread when it ran")
  String worker;

  @Label("Resources")
  @Description("The resources the actor holds")
  String resources;

  @Label("Attempt")
  @Description("0 for the first run, one more for each retry")
  int attempt;

  @Label("Outcome")
  @Description("FINISHED, FAILED or CANCELLED")
  String outcome;

  @Label("Wait Time")
  @Description("From submission (or the actor's creation, for its first constructor run) to the start "
      + "of the last run (to the end, if it never ran): the mailbox, arguments and resources")
  @Timespan(Timespan.NANOSECONDS)
  long waitTime;

  @Label("Run Time")
  @Description("The last run; 0 if it never ran")
  @Timespan(Timespan.NANOSECONDS)
  long runTime;

  /** Records {@code call}, which has just ended, if a recording enables this event. */
  static void commit(ActorCallRun call, boolean construction, int outcome, long since, long startedNanos,
      long finishedNanos) {
    if (!jdk.jfr.FlightRecorder.isInitialized()) {
      return;  // no recording has started in this JVM: nothing is enabled, and nothing is allocated
    }
    ActorCallRunEvent event = new ActorCallRunEvent();
    if (!event.isEnabled()) {
      return;
    }
    boolean ran = startedNanos != 0;
    ActorRecord actor = call.actor;
    event.runtime = actor.runtime.name;
    event.name = call.name();
    event.callId = call.taskId();
    event.actorId = Ids.actor(actor.id);
    event.construction = construction;
    event.worker = ran ? call.workerName() : "";
    event.resources = call.resources().toString();
    event.attempt = call.attempt;
    event.outcome = TaskRunEvent.outcomeName(outcome);
    event.waitTime = (ran ? startedNanos : finishedNanos) - since;
    event.runTime = ran ? finishedNanos - startedNanos : 0;
    event.commit();
  }
}
