package dev.modelserving.beam.pipeline.record;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The field names of records, in order, with their positions: shared by every record of a schema
 * (one instance for all the CSV records of a source), so a record holds only its values.
 */
public final class FieldNames implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> names;
  private final Map<String, Integer> positions;

  private FieldNames(List<String> names) {
    this.names = List.copyOf(names);
    this.positions = new HashMap<>(names.size() * 2);
    for (int i = 0; i < this.names.size(); i++) {
      if (positions.put(this.names.get(i), i) != null) {
        throw new IllegalArgumentException("field '" + this.names.get(i) + "' appears twice in " + names);
      }
    }
  }

  public static FieldNames of(List<String> names) {
    return new FieldNames(names);
  }

  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  public String name(int position) {
    return names.get(position);
  }

  /** The position of a field, or -1. */
  public int position(String name) {
    Integer p = positions.get(name);
    return p == null ? -1 : p;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof FieldNames && names.equals(((FieldNames) o).names));
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return names.toString();
  }
}
