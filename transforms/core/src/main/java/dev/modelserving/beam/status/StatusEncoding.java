package dev.modelserving.beam.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** The shared pieces of the status coders: strings, numbers, and {@link ModelInfo}. */
final class StatusEncoding {
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private StatusEncoding() {}

  static void string(String s, OutputStream out) throws IOException {
    STRING.encode(s, out);
  }

  static String string(InputStream in) throws IOException {
    return STRING.decode(in);
  }

  /** Any long, negative ones included (-1 markers). */
  static void number(long n, OutputStream out) throws IOException {
    LONG.encode(n, out);
  }

  static long number(InputStream in) throws IOException {
    return LONG.decode(in);
  }

  static void info(ModelInfo m, OutputStream out) throws IOException {
    string(m.getName(), out);
    string(m.getVersion(), out);
    string(m.getUuid(), out);
    string(m.getFormat(), out);
    string(m.getRole(), out);
    number(m.getLoadedAtMillis(), out);
  }

  static ModelInfo info(InputStream in) throws IOException {
    return new ModelInfo(string(in), string(in), string(in), string(in), string(in), number(in));
  }

  static void infos(List<ModelInfo> models, OutputStream out) throws IOException {
    number(models.size(), out);
    for (ModelInfo m : models) {
      info(m, out);
    }
  }

  static List<ModelInfo> infos(InputStream in) throws IOException {
    int n = (int) number(in);
    List<ModelInfo> models = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      models.add(info(in));
    }
    return models;
  }
}
