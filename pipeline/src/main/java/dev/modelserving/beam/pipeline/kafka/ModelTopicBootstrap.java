package dev.modelserving.beam.pipeline.kafka;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelAction;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
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
 * The start of a pipeline without a checkpoint: reads the model topic to its current end, rebuilds
 * from it the model set of every data type, and commits the end offsets to the model consumer
 * group, so the pipeline's model stream continues exactly where this read stopped.
 *
 * <p>Without it a fresh pipeline would replay the topic's whole history, and records arriving
 * meanwhile would be scored by versions long replaced. Instead the history of every data type is
 * applied here, as the serving pipeline applies it (adds, removes, rollbacks, routes), and reduced
 * to the few messages that rebuild the resulting state ({@link #startMessages}):
 *
 * <ul>
 *   <li>for every model still in the set, in the order the models took over (the set's newest
 *       model last): the adds of its current version and of the version before it (if any), the
 *       older of the two (by creation time) first, so that neither is refused as older than the
 *       model it replaces; and, when the history ended rolled back (the current version is the
 *       older one), a rollback to it ({@link ModelDescriptors#rollback}, key {@code
 *       dataType/name/rollback}). A later rollback of the model then works as it would have;
 *   <li>then the latest routing message of the data type, if any.
 * </ul>
 *
 * <p>Adds that do not load, or that read record fields the records do not have, were rejected when
 * they were published and served nothing: they are skipped, and logged, and the version before
 * serves again. So are adds older than the version they would replace, rollbacks without a version
 * to go back to, and messages that are not model descriptors. Every other add of a model still in
 * the set is loaded once to check it (an uncompacted history of large models costs start-up time);
 * adds of a model that a later message removes are not loaded at all.
 *
 * <p>The messages must reach the serving step in the order returned: {@link #inOrder} emits them
 * so ({@code Create.of} of the list may split it over bundles that run in parallel). Records
 * that arrive while they are applied can be scored by the older version of a model until its
 * current version has loaded: the set passes through the states it passed through when the
 * messages were first published.
 */
public final class ModelTopicBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ModelTopicBootstrap.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private ModelTopicBootstrap() {}

  /**
   * Reads {@code topic}, commits its end offsets for {@code group}, and returns the messages that
   * rebuild every data type's model set ({@link #startMessages}), in the order they must be applied.
   */
  public static List<KV<String, byte[]>> latestModels(
      String bootstrapServers, String topic, String group, List<String> recordFields) {
    return latestModels(bootstrapServers, topic, group, recordFields, KafkaClientConfig.none());
  }

  /**
   * {@link #latestModels(String, String, String, List)} with a consumer that has the user's settings
   * ({@code clients}: security, timeouts).
   *
   * @throws KafkaAccessException if Kafka refuses the consumer or does not answer in time
   */
  public static List<KV<String, byte[]>> latestModels(
      String bootstrapServers, String topic, String group, List<String> recordFields, KafkaClientConfig clients) {
    return latestModels(bootstrapServers, topic, group, recordFields, clients, ModelGuard.defaults());
  }

  /**
   * {@link #latestModels(String, String, String, List, KafkaClientConfig)} checking every message with
   * {@code guard} (signature, location, limits) before it is tried: a message that fails is left
   * out of the start set, as one that does not load is.
   */
  public static List<KV<String, byte[]>> latestModels(String bootstrapServers, String topic, String group,
      List<String> recordFields, KafkaClientConfig clients, ModelGuard guard) {
    Map<String, Object> config = clients.consumerConfig(bootstrapServers,
        Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaTopics.MAX_MODEL_MESSAGE_BYTES),
        Map.of(ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      Duration callTimeout = callTimeout(config); // the consumer has checked it is a number
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, callTimeout)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      if (partitions.isEmpty()) {
        throw new IllegalStateException("the model topic '" + topic + "' does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, callTimeout);
      List<ConsumerRecord<String, byte[]>> messages = readUpTo(consumer, end);
      Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
      end.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
      consumer.commitSync(commit, callTimeout);
      List<KV<String, byte[]>> start = startMessages(messages, recordFields, guard);
      LOG.info("Model topic '{}': {} messages up to offsets {}; starting from {} message(s) that rebuild the model sets",
          topic, messages.size(), end.values(), start.size());
      return start;
    } catch (RuntimeException e) {
      throw KafkaAccessException.orElse("read the model topic '" + topic + "'", config, e, e);
    }
  }

  /**
   * The latest add of model {@code name} of {@code dataType} on {@code topic} (the last in the
   * topic's order), if the topic has one; commits nothing. A trainer continues from it.
   *
   * @throws KafkaAccessException if Kafka refuses the consumer or does not answer in time
   */
  public static Optional<ModelDescriptor> latestVersion(String bootstrapServers, String topic, String dataType,
      String name, KafkaClientConfig clients) {
    Map<String, Object> config = clients.consumerConfig(bootstrapServers,
        Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaTopics.MAX_MODEL_MESSAGE_BYTES),
        Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      Duration callTimeout = callTimeout(config);
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, callTimeout)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      if (partitions.isEmpty()) {
        return Optional.empty();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      ModelDescriptor latest = null;
      for (ConsumerRecord<String, byte[]> r : readUpTo(consumer, consumer.endOffsets(partitions, callTimeout))) {
        ModelDescriptor d = parse(r);
        if (d != null && ModelDescriptors.isAdd(d) && d.getDataType().equals(dataType) && d.getName().equals(name)) {
          latest = d;
        }
      }
      return Optional.ofNullable(latest);
    } catch (RuntimeException e) {
      throw KafkaAccessException.orElse("read the model topic '" + topic + "'", config, e, e);
    }
  }

  /** The bound of one call to Kafka: the consumer's {@code default.api.timeout.ms} when the user set it, else 60 s. */
  private static Duration callTimeout(Map<String, Object> config) {
    Object ms = config.get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    return ms == null ? READ_TIMEOUT : Duration.ofMillis(Long.parseLong(ms.toString().trim()));
  }

  /**
   * Emits {@code messages} in their order: one element holding them all, taken apart by a single
   * DoFn call, so they leave one worker in one bundle. (A {@code Create.of(messages)} may split
   * them over bundles that run in parallel.) Keys and values may be null, as on the topic.
   */
  public static PTransform<PBegin, PCollection<KV<String, byte[]>>> inOrder(List<KV<String, byte[]>> messages) {
    return new InOrder(messages);
  }

  private static final class InOrder extends PTransform<PBegin, PCollection<KV<String, byte[]>>> {
    private static final long serialVersionUID = 1L;
    private final ArrayList<KV<String, byte[]>> messages;

    InOrder(List<KV<String, byte[]>> messages) {
      this.messages = new ArrayList<>(messages);
    }

    @Override
    public PCollection<KV<String, byte[]>> expand(PBegin begin) {
      Coder<KV<String, byte[]>> messageCoder =
          KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), NullableCoder.of(ByteArrayCoder.of()));
      return begin
          .apply("AllStartMessages",
              Create.of(Collections.<List<KV<String, byte[]>>>singletonList(messages)).withCoder(ListCoder.of(messageCoder)))
          .apply("EachInOrder", ParDo.of(new EachInOrderFn()))
          .setCoder(messageCoder);
    }
  }

  private static final class EachInOrderFn extends DoFn<List<KV<String, byte[]>>, KV<String, byte[]>> {
    @ProcessElement
    public void process(@Element List<KV<String, byte[]>> messages, OutputReceiver<KV<String, byte[]>> out) {
      for (KV<String, byte[]> m : messages) {
        out.output(m);
      }
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
   * Applies {@code messages} (the topic's history, in order) to the model set of every data type as
   * the serving pipeline does, and returns the messages that rebuild the result: per data type, in
   * order of first appearance, per model in the order the models took over, the add of its previous
   * version (if any) and of its current version, the older first, then a rollback if the current
   * one is the older; then the data type's latest routing message. A model loads and reads only
   * {@code recordFields} (when not null): the checks the serving DoFn applies.
   */
  static List<KV<String, byte[]>> startMessages(
      List<ConsumerRecord<String, byte[]>> messages, List<String> recordFields) {
    return startMessages(messages, recordFields, ModelGuard.defaults());
  }

  /** {@link #startMessages(List, List)}, checking each message with {@code guard} first. */
  static List<KV<String, byte[]>> startMessages(
      List<ConsumerRecord<String, byte[]>> messages, List<String> recordFields, ModelGuard guard) {
    Map<String, DataTypeHistory> byDataType = new LinkedHashMap<>();
    List<Message> parsed = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : messages) {
      ModelDescriptor d = parse(r);
      if (d != null && !ModelDescriptors.isAdd(d)) {
        try {
          guard.admit(d); // a set operation: its signature, when keys are trusted
        } catch (ModelLoadException e) {
          LOG.warn("Model topic message {}@{} is refused and skipped at start: {}", r.key(), r.offset(), e.getMessage());
          d = null;
        }
      }
      if (d != null) {
        Message m = new Message(r, d, parsed.size());
        parsed.add(m);
        byDataType.computeIfAbsent(d.getDataType(), DataTypeHistory::new).lastRemove.merge(
            d.getName(), d.getAction() == ModelAction.REMOVE ? m.index : -1, Math::max);
      }
    }
    // by uuid: a model is loaded once however often it was sent; "" when it loads
    Map<String, String> loadProblems = new HashMap<>();
    Function<ModelDescriptor, String> loadProblemOf = d -> {
      String problem = loadProblems.computeIfAbsent(d.getUuid(), u -> {
        String p = loadProblem(d, recordFields, guard);
        return p == null ? "" : p;
      });
      return problem.isEmpty() ? null : problem;
    };
    for (Message m : parsed) {
      byDataType.get(m.descriptor.getDataType()).apply(m, loadProblemOf);
    }
    List<KV<String, byte[]>> start = new ArrayList<>();
    for (DataTypeHistory history : byDataType.values()) {
      history.emit(start);
    }
    return start;
  }

  /** A parsed message of the topic and its place in the history. */
  private static final class Message {
    final ConsumerRecord<String, byte[]> record;
    final ModelDescriptor descriptor;
    final int index;

    Message(ConsumerRecord<String, byte[]> record, ModelDescriptor descriptor, int index) {
      this.record = record;
      this.descriptor = descriptor;
      this.index = index;
    }

    KV<String, byte[]> asKv() {
      return KV.of(record.key(), record.value());
    }

    String where() {
      return record.key() + "@" + record.offset();
    }
  }

  /** One model of a set: its current version, and the version before it (null if none). */
  private static final class Slot {
    Message current;
    Message previous;

    Slot(Message current) {
      this.current = current;
    }
  }

  /** The model set of one data type as its history leaves it, and the messages skipped on the way. */
  private static final class DataTypeHistory {
    final String dataType;
    /** The index of the last REMOVE of every name (-1: none): adds before it need no load. */
    final Map<String, Integer> lastRemove = new HashMap<>();
    /** The set, in the order its models took over: the last is the newest. */
    final LinkedHashMap<String, Slot> set = new LinkedHashMap<>();
    final List<String> skipped = new ArrayList<>();
    Message route;

    DataTypeHistory(String dataType) {
      this.dataType = dataType;
    }

    void apply(Message m, Function<ModelDescriptor, String> loadProblemOf) {
      ModelDescriptor d = m.descriptor;
      try {
        ModelDescriptors.checkOperation(d);
      } catch (ModelLoadException e) {
        skip(m, e.getMessage());
        return;
      }
      String name = d.getName();
      boolean removedLater = m.index < lastRemove.getOrDefault(name, -1);
      switch (d.getAction()) {
        case REMOVE:
          set.remove(name);
          return;
        case ROUTE:
          route = m;
          return;
        case ROLLBACK:
          if (!removedLater) {
            rollback(m);
          }
          return;
        default:
          if (!removedLater) {
            add(m, loadProblemOf);
          }
      }
    }

    private void add(Message m, Function<ModelDescriptor, String> loadProblemOf) {
      ModelDescriptor d = m.descriptor;
      Slot slot = set.get(d.getName());
      if (slot != null && slot.current.descriptor.getUuid().equals(d.getUuid())) {
        return; // the same model again
      }
      if (slot != null && isOlder(d, slot.current.descriptor)) {
        skip(m, "it is older than the version it would replace, " + slot.current.descriptor.getVersion()
            + " (the pipeline refused it)");
        return;
      }
      String problem = loadProblemOf.apply(d);
      if (problem != null) {
        skip(m, problem);
        return;
      }
      if (slot == null) {
        slot = new Slot(m);
      } else {
        set.remove(d.getName());
        slot.previous = slot.current;
        slot.current = m;
      }
      set.put(d.getName(), slot); // takes over: the newest
    }

    private void rollback(Message m) {
      ModelDescriptor d = m.descriptor;
      Slot slot = set.get(d.getName());
      String version = d.getVersion();
      if (slot != null && !version.isEmpty() && slot.current.descriptor.getVersion().equals(version)) {
        return; // already at that version
      }
      if (slot == null || slot.previous == null) {
        skip(m, slot == null ? "the set has no model '" + d.getName() + "' to roll back"
            : "model '" + d.getName() + "' has no previous version to roll back to");
        return;
      }
      if (!version.isEmpty() && !slot.previous.descriptor.getVersion().equals(version)) {
        skip(m, "the previous version of model '" + d.getName() + "' is " + slot.previous.descriptor.getVersion()
            + ", not " + version);
        return;
      }
      Message was = slot.current;
      slot.current = slot.previous;
      slot.previous = was;
      set.remove(d.getName());
      set.put(d.getName(), slot); // a rollback takes over too
    }

    private void skip(Message m, String why) {
      skipped.add(m.where() + " (" + ModelDescriptors.describe(m.descriptor) + "): " + why);
    }

    void emit(List<KV<String, byte[]>> start) {
      List<String> state = new ArrayList<>();
      for (Map.Entry<String, Slot> e : set.entrySet()) {
        Slot slot = e.getValue();
        ModelDescriptor current = slot.current.descriptor;
        if (slot.previous == null) {
          start.add(slot.current.asKv());
          state.add(e.getKey() + " " + current.getVersion());
          continue;
        }
        ModelDescriptor previous = slot.previous.descriptor;
        boolean currentIsOlder = isOlder(current, previous)
            || (!isOlder(previous, current) && slot.current.index < slot.previous.index);
        Message older = currentIsOlder ? slot.current : slot.previous;
        Message newer = currentIsOlder ? slot.previous : slot.current;
        start.add(older.asKv());
        start.add(newer.asKv());
        if (currentIsOlder) {
          // Versions that share a number cannot be told apart by it: then roll back whatever is previous.
          String version = current.getVersion().equals(previous.getVersion()) ? "" : current.getVersion();
          start.add(KV.of(KafkaTopics.rollbackKey(dataType, e.getKey()),
              ModelDescriptors.rollback(dataType, e.getKey(), version).toByteArray()));
        }
        state.add(e.getKey() + " " + current.getVersion() + " (previous " + previous.getVersion()
            + (currentIsOlder ? ", rolled back" : "") + ")");
      }
      if (route != null) {
        start.add(route.asKv());
      }
      if (!skipped.isEmpty()) {
        LOG.warn("Data type '{}': skipped {} model message(s) that changed nothing when they were published: {}",
            dataType, skipped.size(), String.join("; ", skipped));
      }
      LOG.info("Data type '{}' starts with the set {} (newest last){}", dataType, state,
          route == null ? "" : ", routed by " + ModelDescriptors.describe(route.descriptor.getRouting()));
    }
  }

  /** True if both creation times are known and {@code a} was created before {@code b}, as the pipeline compares them. */
  private static boolean isOlder(ModelDescriptor a, ModelDescriptor b) {
    return a.getCreatedAtMillis() > 0 && b.getCreatedAtMillis() > 0 && a.getCreatedAtMillis() < b.getCreatedAtMillis();
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

  private static String loadProblem(ModelDescriptor d, List<String> recordFields, ModelGuard guard) {
    try (Scorer scorer = ModelFormats.load(guard.admit(d), recordFields, guard)) {
      return null;
    } catch (ModelLoadException e) {
      return e.getMessage();
    }
  }
}
