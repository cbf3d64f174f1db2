package dev.modelserving.beam.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A record coder that can also encode many records together, more compactly than one by one: for
 * example, writing the field names the records share once instead of once per record.
 * {@code ServeModels} packs records into batches before its shuffle and uses this when the input's
 * coder implements it.
 *
 * <pre>{@code
 * public final class ReadingCoder extends AtomicCoder<Reading> implements BatchedCoder<Reading> {
 *   public void encodeAll(List<Reading> readings, OutputStream out) { ... }
 *   public List<Reading> decodeAll(int count, InputStream in) { ... }
 *   ...
 * }
 * }</pre>
 */
public interface BatchedCoder<T> {

  /** Writes {@code records}, in order; {@link #decodeAll} reads them back. */
  void encodeAll(List<T> records, OutputStream out) throws IOException;

  /** Reads the {@code count} records {@link #encodeAll} wrote, in order. */
  List<T> decodeAll(int count, InputStream in) throws IOException;
}
