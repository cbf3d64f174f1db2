package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.record.ModelAnswer;
import java.io.Serializable;
import java.util.List;

/**
 * How the models of a data type's set answer a record: which models a batch is given to ({@link
 * #plan}), and, when several answer the same record, whose answer is the result ({@link #decide}).
 * Every consulted model scores a batch in one batched call. Build policies with {@link
 * ServingPolicies} and give them to {@code ServeModels.withPolicy}.
 */
public interface ServingPolicy extends Serializable {

  /** The policy's name in decision traces and metrics: {@code current}, {@code speculative}, ... */
  String name();

  /**
   * How a batch is served by the set.
   *
   * @param models the names of the data type's models, oldest first (the last one is the newest)
   * @param routing the data type's latest routing message (empty if none arrived)
   */
  Plan plan(List<String> models, Routing routing);

  /**
   * The result of one record, from the answers of the models the plan consults (in plan order):
   * answered, failed, timed out or skipped. Called only for plans that consult every model.
   */
  Decision decide(List<ModelAnswer> answers);
}
