package dev.modelserving.beam.pipeline.io;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.RejectedModelCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Parses model-topic messages (key {@code <dataType>/<name>}, value a protobuf {@link
 * ModelDescriptor}); messages that are not descriptors become {@link RejectedModel}s with the reason.
 */
public final class ParseModels extends PTransform<PCollection<KV<String, byte[]>>, PCollectionTuple> {
  public static final TupleTag<ModelDescriptor> MODELS = new TupleTag<ModelDescriptor>("models") {};
  public static final TupleTag<RejectedModel> REJECTED = new TupleTag<RejectedModel>("unparseableModels") {};

  public static ParseModels create() {
    return new ParseModels();
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<String, byte[]>> messages) {
    PCollectionTuple parsed = messages.apply(ParDo.of(new ParseFn())
        .withOutputTags(MODELS, TupleTagList.of(REJECTED)));
    parsed.get(MODELS).setCoder(ModelDescriptorCoder.of());
    parsed.get(REJECTED).setCoder(RejectedModelCoder.of());
    return parsed;
  }

  private static final class ParseFn extends DoFn<KV<String, byte[]>, ModelDescriptor> {
    @ProcessElement
    public void process(@Element KV<String, byte[]> message, MultiOutputReceiver out) {
      String key = message.getKey();
      byte[] value = message.getValue();
      if (value == null || value.length == 0) {
        out.get(REJECTED).output(unnamed(key, "empty model message (a tombstone?) for key '" + key + "'"));
        return;
      }
      try {
        out.get(MODELS).output(ModelDescriptor.parseFrom(value));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        out.get(REJECTED).output(unnamed(key,
            "model message with key '" + key + "' is not a ModelDescriptor protobuf: " + e.getMessage()));
      }
    }

    private static RejectedModel unnamed(String key, String reason) {
      String dataType = key != null && key.contains("/") ? key.substring(0, key.indexOf('/')) : null;
      String name = key != null && key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
      return new RejectedModel(name, null, null, null, dataType, reason, System.currentTimeMillis());
    }
  }
}
