package dev.modelserving.beam.pipeline.io;

import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.DataRecordCoder;
import dev.modelserving.beam.pipeline.record.RecordParser;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DeadLetterCoder;
import dev.modelserving.beam.serving.ServingMetrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Parses text lines into {@link DataRecord}s; lines that are not records go to {@link #DEAD_LETTERS}
 * with the reason and the line. A CSV header row is skipped.
 */
public final class ParseRecords extends PTransform<PCollection<String>, PCollectionTuple> {
  public static final TupleTag<DataRecord> RECORDS = new TupleTag<DataRecord>("records") {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<DeadLetter>("unparseable") {};

  private final RecordSchema schema;

  private ParseRecords(RecordSchema schema) {
    this.schema = schema;
  }

  public static ParseRecords with(RecordSchema schema) {
    return new ParseRecords(schema);
  }

  @Override
  public PCollectionTuple expand(PCollection<String> lines) {
    PCollectionTuple parsed = lines.apply(ParDo.of(new ParseFn(new RecordParser(schema)))
        .withOutputTags(RECORDS, TupleTagList.of(DEAD_LETTERS)));
    parsed.get(RECORDS).setCoder(DataRecordCoder.of());
    parsed.get(DEAD_LETTERS).setCoder(DeadLetterCoder.of());
    return parsed;
  }

  private static final class ParseFn extends DoFn<String, DataRecord> {
    private final RecordParser parser;
    private transient ServingMetrics metrics;

    ParseFn(RecordParser parser) {
      this.parser = parser;
    }

    @Setup
    public void setup() {
      metrics = new ServingMetrics();
    }

    @ProcessElement
    public void process(@Element String line, MultiOutputReceiver out) {
      if (line != null && parser.isHeader(line)) {
        return; // a CSV header row describes the records; it is not one
      }
      try {
        out.get(RECORDS).output(parser.parse(line));
      } catch (RuntimeException e) {
        metrics.inc(null, ServingMetrics.RECEIVED);
        metrics.inc(null, ServingMetrics.DEAD_LETTERED);
        out.get(DEAD_LETTERS).output(DeadLetter.now(line, null, DeadLetter.Stage.PARSE,
            "cannot parse record: " + e.getMessage()));
      }
    }
  }
}
