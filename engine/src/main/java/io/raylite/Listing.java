package io.raylite;

import java.util.List;

/**
 * The rows a {@link StateApi} listing returns: those that pass its filter, at most its limit.
 *
 * @param rows the rows, newest first
 * @param total how many rows passed the filter, before the limit
 * @param truncated whether {@code rows} holds fewer than {@code total}
 */
public record Listing<T>(List<T> rows, int total, boolean truncated) {
  public Listing {
    rows = List.copyOf(rows);
  }
}
