package dev.modelserving.beam.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded corpus of malformed records, each labelled with its class, made from generated wines
 * ({@link WineDataGenerator}) broken in one way each, in CSV (the {@link WineSchema#COLUMNS}) or as
 * JSON lines. Records never hold a line break (one record is one line of a file), and every record has
 * its own payload or id, except the classes whose records are all alike (empty) or share an id on
 * purpose (duplicated ids), so that an output can be traced to its class.
 */
final class MalformedRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The record classes: the first block in both formats, then CSV only, then JSON only. */
  static final List<String> COMMON_CLASSES = List.of(
      "good", "empty", "whitespace", "truncated", "garbage", "control-bytes", "non-utf8", "unbalanced-quotes",
      "nan", "infinity", "overflow", "text-in-numeric", "missing-value", "unknown-data-type",
      "missing-data-type", "unknown-category", "very-long-field", "duplicated-id");
  static final List<String> CSV_CLASSES = List.of("too-many-columns");
  static final List<String> JSON_CLASSES = List.of(
      "invalid-json", "not-an-object", "wrong-type", "nested-object", "duplicated-key", "extra-fields");

  /** Length of the very long fields. */
  static final int LONG_FIELD = 50_000;

  /** One corpus record: its class, its bytes, its id when it has one, and the field it breaks, if one. */
  static final class Sample {
    final String cls;
    final byte[] bytes;
    final String id;
    final String field;

    Sample(String cls, byte[] bytes, String id, String field) {
      this.cls = cls;
      this.bytes = bytes;
      this.id = id;
      this.field = field;
    }

    /** The record as text, as a UTF-8 decoder reads it (undecodable bytes as U+FFFD). */
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      String t = text();
      return cls + ": " + (t.length() > 80 ? t.substring(0, 80) + "..." : t);
    }
  }

  private final Random random;
  private final WineDataGenerator wines;
  private final boolean csv;

  private MalformedRecords(long seed, boolean csv) {
    this.random = new Random(seed);
    this.wines = new WineDataGenerator(seed);
    this.csv = csv;
  }

  /** The classes of a format. */
  static List<String> classes(boolean csv) {
    List<String> all = new ArrayList<>(COMMON_CLASSES);
    all.addAll(csv ? CSV_CLASSES : JSON_CLASSES);
    return all;
  }

  /** {@code perClass} records of every class of the format, shuffled (seeded). */
  static List<Sample> corpus(long seed, boolean csv, int perClass) {
    MalformedRecords m = new MalformedRecords(seed, csv);
    List<Sample> all = new ArrayList<>();
    for (String cls : classes(csv)) {
      for (int i = 0; i < perClass; i++) {
        all.add(m.make(cls));
      }
    }
    Collections.shuffle(all, m.random);
    return all;
  }

  private final List<String> goodIds = new ArrayList<>();

  private Sample make(String cls) {
    WineDataGenerator.Wine w = wines.next();
    List<String> names = new ArrayList<>(WineSchema.COLUMNS);
    List<Object> values = new ArrayList<>();
    values.add(w.id);
    values.add(WineSchema.DATA_TYPE);
    values.add(w.wineType);
    for (double f : w.features) {
      values.add(f);
    }
    values.add((double) w.quality);
    String numeric = WineSchema.NUMERIC_FEATURES.get(random.nextInt(WineSchema.NUMERIC_FEATURES.size()));
    int at = names.indexOf(numeric);
    switch (cls) {
      case "good":
        return sample(cls, render(names, values), w.id, null);
      case "empty":
        return sample(cls, "", null, null);
      case "whitespace": {
        StringBuilder s = new StringBuilder();
        String blanks = " \t\u000B\f\u001C\u001F";
        for (int i = 1 + random.nextInt(20); i > 0; i--) {
          s.append(blanks.charAt(random.nextInt(blanks.length())));
        }
        return sample(cls, s.toString(), null, null);
      }
      case "truncated": {
        String line = render(names, values);
        // cut before the last two fields: too few values for CSV, an unfinished object for JSON
        int cut = 1 + random.nextInt(csv ? line.lastIndexOf(',', line.lastIndexOf(',') - 1) : line.length() - 2);
        return sample(cls, line.substring(0, cut), null, null);
      }
      case "garbage": {
        StringBuilder s = new StringBuilder("q"); // not a JSON value's first character
        for (int i = 5 + random.nextInt(60); i > 0; i--) {
          char c = (char) (32 + random.nextInt(95));
          s.append(c == ',' || c == '"' ? '~' : c);
          if (random.nextInt(4) == 0) {
            s.append(control());
          }
        }
        return sample(cls, s.toString(), null, null);
      }
      case "control-bytes": {
        String field = csv ? numeric : WineSchema.WINE_TYPE; // raw control characters are not JSON
        int i = names.indexOf(field);
        String v = csv ? number((Double) values.get(i)) : (String) values.get(i);
        // inside the value, where trimming does not take it away
        String broken = v.length() > 1 ? v.charAt(0) + String.valueOf(control()) + v.substring(1) : v + control() + v;
        values.set(i, new Raw(csv ? broken : "\"" + broken + "\""));
        // JSON's reason is where the parser stopped, not a field name
        return sample(cls, render(names, values), w.id, csv ? field : null);
      }
      case "non-utf8": {
        byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFE, (byte) 0xFE}};
        String marker = "@@MARK@@";
        values.set(2, w.wineType.substring(0, 2) + marker + w.wineType.substring(2));
        String line = render(names, values);
        int m = line.indexOf(marker);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(line.substring(0, m).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad[random.nextInt(bad.length)]);
        out.writeBytes(line.substring(m + marker.length()).getBytes(StandardCharsets.UTF_8));
        return new Sample(cls, out.toByteArray(), w.id, null);
      }
      case "unbalanced-quotes": {
        String line = render(names, values);
        int q = line.indexOf(w.wineType);
        String broken = csv ? line.substring(0, q) + "\"" + line.substring(q)
            : line.substring(0, q - 1) + line.substring(q); // the opening quote of a JSON string removed
        return sample(cls, broken, w.id, null);
      }
      case "nan":
        values.set(at, new Raw("NaN"));
        return nonFinite(cls, names, values, w.id, numeric);
      case "infinity":
        values.set(at, new Raw(random.nextBoolean() ? "Infinity" : "-Infinity"));
        return nonFinite(cls, names, values, w.id, numeric);
      case "overflow":
        values.set(at, new Raw((random.nextBoolean() ? "" : "-") + (1 + random.nextInt(9)) + "e" + (309 + random.nextInt(9000))));
        return nonFinite(cls, names, values, w.id, numeric);
      case "text-in-numeric":
        values.set(at, word(3 + random.nextInt(8)));
        return sample(cls, render(names, values), w.id, numeric);
      case "missing-value":
        if (!csv && random.nextBoolean()) {
          names.remove(at); // absent
          values.remove(at);
        } else {
          values.set(at, null);
        }
        return sample(cls, render(names, values), w.id, numeric);
      case "unknown-data-type":
        values.set(1, "beer-" + word(4));
        return sample(cls, render(names, values), w.id, null);
      case "missing-data-type":
        if (csv) {
          values.set(1, null);
        } else {
          names.remove(1);
          values.remove(1);
        }
        return sample(cls, render(names, values), w.id, null);
      case "unknown-category":
        values.set(2, random.nextBoolean() ? "rose-" + word(3) : word(6));
        return sample(cls, render(names, values), w.id, WineSchema.WINE_TYPE);
      case "very-long-field":
        values.set(at, word(LONG_FIELD));
        return sample(cls, render(names, values), w.id, numeric);
      case "duplicated-id": {
        // the id of a good record made before
        String id = goodIds.isEmpty() ? w.id : goodIds.get(random.nextInt(goodIds.size()));
        values.set(0, id);
        return sample(cls, render(names, values), id, null);
      }
      case "too-many-columns": {
        String line = render(names, values);
        StringBuilder s = new StringBuilder(line);
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
          s.append(',').append(random.nextBoolean() ? word(3) : String.valueOf(random.nextInt(100)));
        }
        return sample(cls, s.toString(), w.id, null);
      }
      case "invalid-json": {
        String line = render(names, values);
        String[] broken = {
            line.substring(0, line.length() - 1) + ",}",                   // trailing comma
            line.replace("\"id\":", "id:"),                                 // unquoted key
            line.replace("\"" + w.id + "\"", "'" + w.id + "'"),             // single quotes
            line.replace(":" + number((Double) values.get(at)), ":" + number((Double) values.get(at)) + "x"),
            line + "}",                                                     // trailing data
            line.substring(0, line.length() - 1) + ",\"" + numeric + "_2\":NaN}"}; // a bare NaN token
        return sample(cls, broken[random.nextInt(broken.length)], w.id, null);
      }
      case "not-an-object": {
        String[] values2 = {"[" + render(names, values) + "]", "\"" + w.id + "\"", String.valueOf(random.nextInt()),
            "null", "true", "[]"};
        return sample(cls, values2[random.nextInt(values2.length)] + " ".repeat(random.nextInt(3)), null, null);
      }
      case "wrong-type":
        values.set(at, new Raw(random.nextBoolean() ? "true" : "false"));
        return sample(cls, render(names, values), w.id, numeric);
      case "nested-object":
        values.set(at, new Raw(random.nextBoolean() ? "{\"value\":" + number((Double) values.get(at)) + "}"
            : "[" + number((Double) values.get(at)) + "]"));
        return sample(cls, render(names, values), w.id, numeric);
      case "duplicated-key": {
        String line = render(names, values);
        String extra = ",\"" + numeric + "\":" + number(random.nextDouble() * 10) + "}";
        return sample(cls, line.substring(0, line.length() - 1) + extra, w.id, numeric);
      }
      case "extra-fields": {
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
          names.add("extra_" + word(5));
          values.add(random.nextBoolean() ? word(4) : (Object) random.nextDouble());
        }
        return sample(cls, render(names, values), w.id, null);
      }
      default:
        throw new IllegalArgumentException("no record class " + cls);
    }
  }

  private Sample nonFinite(String cls, List<String> names, List<Object> values, String id, String field) {
    if (!csv && !cls.equals("overflow")) {
      // as a JSON string (a bare NaN or Infinity is not JSON: see invalid-json); an overflowing JSON
      // number stays a number, which reads as infinite
      int at = names.indexOf(field);
      values.set(at, ((Raw) values.get(at)).text);
    }
    return sample(cls, render(names, values), id, field);
  }

  private Sample sample(String cls, String text, String id, String field) {
    if (cls.equals("good")) {
      goodIds.add(id);
    }
    return new Sample(cls, text.getBytes(StandardCharsets.UTF_8), id, field);
  }

  /** A control character other than a line break. */
  private char control() {
    char c;
    do {
      c = (char) random.nextInt(32);
    } while (c == '\n' || c == '\r');
    return c;
  }

  private String word(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  /** A value written as it is, unquoted, in either format. */
  private static final class Raw {
    final String text;

    Raw(String text) {
      this.text = text;
    }
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private String render(List<String> names, List<Object> values) {
    if (csv) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < values.size(); i++) {
        Object v = values.get(i);
        s.append(i == 0 ? "" : ",").append(v == null ? "" : v instanceof Raw ? ((Raw) v).text
            : v instanceof Double ? number((Double) v) : v.toString());
      }
      return s.toString();
    }
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      Object v = values.get(i);
      s.append(i == 0 ? "" : ",").append(quote(names.get(i))).append(':');
      s.append(v == null ? "null" : v instanceof Raw ? ((Raw) v).text
          : v instanceof Double ? number((Double) v) : quote(v.toString()));
    }
    return s.append('}').toString();
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

}
