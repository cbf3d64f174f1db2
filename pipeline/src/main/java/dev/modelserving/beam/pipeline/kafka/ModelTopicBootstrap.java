package dev.modelserving.beam.pipeline.kafka;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelAction;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a pipeline without a checkpoint: reads the model topic to its current end, picks for
 * every data type the messages that make its model set (the latest version that loads of every model
 * not removed, and the latest routing), and commits the end offsets to the model consumer group, so
 * the pipeline's model stream continues exactly where this read stopped.
 *
 * <p>Without it a fresh pipeline would replay the topic's history, and records arriving meanwhile
 * would be scored by older versions until the newest one is reached. Newer versions of a model that
 * do not load (they were rejected when they were published) are skipped, and logged, so the version
 * that served before them serves again. Only the latest version of each model is replayed, as a
 * compacted topic keeps it: a rollback of it is replayed too, and finds no previous version.
 */
public final class ModelTopicBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ModelTopicBootstrap.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private ModelTopicBootstrap() {}

  /** Reads {@code topic}, commits its end offsets for {@code group}, and returns the messages to start from. */
  public static List<KV<String, byte[]>> latestModels(
      String bootstrapServers, String topic, String group, List<String> recordFields) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaTopics.MAX_MODEL_MESSAGE_BYTES);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, READ_TIMEOUT)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      if (partitions.isEmpty()) {
        throw new IllegalStateException("the model topic '" + topic + "' does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      List<ConsumerRecord<String, byte[]>> messages = readUpTo(consumer, end);
      Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
      end.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
      consumer.commitSync(commit, READ_TIMEOUT);
      List<KV<String, byte[]>> start = pickLatestLoadable(messages, recordFields);
      LOG.info("Model topic '{}': {} messages up to offsets {}; starting from {} message(s): the model sets they make",
          topic, messages.size(), end.values(), start.size());
      return start;
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readUpTo(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    List<ConsumerRecord<String, byte[]>> messages = new ArrayList<>();
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read the model topic to its end within " + READ_TIMEOUT);
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          messages.add(r);
        }
      }
    }
    // One partition (as created): offsets are the order. Several: only timestamps compare across them.
    Comparator<ConsumerRecord<String, byte[]>> byOffset =
        Comparator.comparingInt((ConsumerRecord<String, byte[]> r) -> r.partition()).thenComparingLong(ConsumerRecord::offset);
    messages.sort(end.size() == 1 ? byOffset
        : Comparator.comparingLong((ConsumerRecord<String, byte[]> r) -> r.timestamp()).thenComparing(byOffset));
    return messages;
  }

  /**
   * Per data type, the messages that rebuild its model set, in topic order: for every model name,
   * the newest add whose model loads and reads only {@code recordFields} (when not null), unless a
   * remove of that name came after it; a rollback of that name that came after that add (replayed
   * alone, it finds no previous version and is rejected with that reason, which shows that the
   * rolled-back version serves again); and the data type's latest routing message. These are the
   * checks the serving DoFn applies; newer adds that fail them are skipped and logged.
   */
  static List<KV<String, byte[]>> pickLatestLoadable(
      List<ConsumerRecord<String, byte[]>> messages, List<String> recordFields) {
    Map<String, List<Integer>> byDataType = new LinkedHashMap<>();
    List<ModelDescriptor> parsed = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      ModelDescriptor d = parse(messages.get(i));
      parsed.add(d);
      if (d != null) {
        byDataType.computeIfAbsent(d.getDataType(), k -> new ArrayList<>()).add(i);
      }
    }
    TreeSet<Integer> chosen = new TreeSet<>();
    byDataType.forEach((dataType, history) -> {
      Map<String, List<Integer>> byName = new LinkedHashMap<>();
      Integer routing = null;
      for (int i : history) {
        ModelDescriptor d = parsed.get(i);
        if (d.getAction() == ModelAction.ROUTE) {
          routing = i;
        } else {
          byName.computeIfAbsent(d.getName(), k -> new ArrayList<>()).add(i);
        }
      }
      if (routing != null) {
        chosen.add(routing);
      }
      List<String> skipped = new ArrayList<>();
      byName.forEach((name, ops) -> chooseModel(ops, messages, parsed, recordFields, chosen, skipped));
      if (!skipped.isEmpty()) {
        LOG.warn("Data type '{}': skipped {} newer model message(s) that do not load: {}", dataType, skipped.size(),
            skipped.stream().collect(Collectors.joining("; ")));
      }
    });
    List<KV<String, byte[]>> start = new ArrayList<>();
    for (int i : chosen) {
      start.add(KV.of(messages.get(i).key(), messages.get(i).value()));
    }
    return start;
  }

  /**
   * Of one model name's messages (in topic order): the newest add after its last remove that
   * loads, and a later rollback.
   */
  private static void chooseModel(List<Integer> ops, List<ConsumerRecord<String, byte[]>> messages,
      List<ModelDescriptor> parsed, List<String> recordFields, Set<Integer> chosen, List<String> skipped) {
    Integer rollback = null;
    for (int k = ops.size() - 1; k >= 0; k--) {
      int i = ops.get(k);
      ModelDescriptor d = parsed.get(i);
      if (d.getAction() == ModelAction.REMOVE) {
        return; // removed, and not added again since
      }
      if (d.getAction() == ModelAction.ROLLBACK) {
        if (rollback == null) {
          rollback = i;
        }
        continue;
      }
      if (!ModelDescriptors.isAdd(d)) {
        continue; // an action this version does not know; the pipeline rejects it
      }
      ConsumerRecord<String, byte[]> r = messages.get(i);
      String problem = loadProblem(d, recordFields);
      if (problem == null) {
        chosen.add(i);
        if (rollback != null) {
          chosen.add(rollback);
        }
        return;
      }
      skipped.add(r.key() + "@" + r.offset() + ": " + problem);
    }
  }

  private static ModelDescriptor parse(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null || r.value().length == 0) {
      return null;
    }
    try {
      return ModelDescriptor.parseFrom(r.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      LOG.warn("Model topic message {}@{} is not a ModelDescriptor; skipped at start", r.key(), r.offset());
      return null;
    }
  }

  private static String loadProblem(ModelDescriptor d, List<String> recordFields) {
    try (Scorer scorer = ModelFormats.load(ModelDescriptors.resolveLocation(d), recordFields)) {
      return null;
    } catch (ModelLoadException e) {
      return e.getMessage();
    }
  }
}
