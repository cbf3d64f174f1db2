package dev.modelserving.beam.pipeline.record;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A record's fields as an unmodifiable map, in field order, over the shared {@link FieldNames} and
 * the record's own values: no map is built per record.
 */
final class RecordFields extends AbstractMap<String, Object> {
  private final FieldNames names;
  private final Object[] values;

  RecordFields(FieldNames names, Object[] values) {
    this.names = names;
    this.values = values;
  }

  @Override
  public Object get(Object key) {
    int p = key instanceof String ? names.position((String) key) : -1;
    return p < 0 ? null : values[p];
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String && names.position((String) key) >= 0;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(names.name(i), values[i]);
          }
        };
      }

      @Override
      public int size() {
        return values.length;
      }
    };
  }
}
