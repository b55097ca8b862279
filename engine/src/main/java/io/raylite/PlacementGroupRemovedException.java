package io.raylite;

/**
 * The placement group was removed: thrown by its {@link PlacementGroup#wait} and
 * {@link PlacementGroup#ready()} ref, and by a submission into it.
 */
public class PlacementGroupRemovedException extends RayliteException {
  /** Creates the exception with its message. */
  public PlacementGroupRemovedException(String message) {
    super(message);
  }
}
