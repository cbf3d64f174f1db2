#!/usr/bin/env bash
# Runs the benchmarks and writes docs/benchmarks.md, docs/benchmarks.csv and docs/benchmarks.svg.
#
#   benchmarks/run.sh                  the full run (about 55 minutes on 2 cores)
#   benchmarks/run.sh --quick          a smoke test with small sizes (a few minutes);
#                                      writes to benchmarks/target/benchmarks-quick
#   benchmarks/run.sh --suites=raw --models=forest,mlp
#   benchmarks/run.sh --suites=policies --update
#                                      the serving-policy suite alone (about 15 minutes), written
#                                      into the existing docs/benchmarks.md (its own section) and .csv
#   benchmarks/run.sh --help           all options
#   benchmarks/run.sh distillation     distils the forest and the network into fast students and
#                                      measures both sides with one harness: docs/distillation.md
#                                      (about 6 minutes; --quick for a smoke test)
#
# Builds the module and the modules it uses first (mvn -B -q -DskipTests -pl benchmarks -am package
# at the root; nothing is installed into the local repository) when the benchmark jar is missing or
# older than any source or pom it is built from; --no-build skips that, --build forces it.
# JAVA_OPTS adds JVM options (the default heap is 6 GiB).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

build=auto
main=dev.modelserving.beam.benchmarks.BenchmarkMain
command_line="benchmarks/run.sh"
if [[ "${1:-}" == distillation ]]; then
  main=dev.modelserving.beam.benchmarks.distill.DistillationBenchmark
  command_line+=" distillation"
  shift
fi
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=never ;;
    --build) build=always ;;
    *) args+=("$arg") ;;
  esac
done

jar="benchmarks/target/model-serving-benchmarks-0.1.0-SNAPSHOT.jar"
classpath_file="benchmarks/target/runtime-classpath.txt"

stale() {
  [[ ! -f "$jar" || ! -f "$classpath_file" ]] && return 0
  local newer
  newer=$(find pom.xml transforms/core transforms/pmml transforms/tensorflow transforms/training testdata/pom.xml testdata/src \
    pipeline/pom.xml pipeline/src benchmarks/pom.xml benchmarks/src \
    -newer "$jar" -type f -not -path '*/target/*' -print -quit 2>/dev/null)
  [[ -n "$newer" ]]
}

if [[ "$build" == always ]] || { [[ "$build" == auto ]] && stale; }; then
  echo "Building the benchmarks and the modules they use (mvn -B -q -DskipTests -pl benchmarks -am package) ..."
  mvn -B -q -DskipTests -pl benchmarks -am package
  touch "$jar" # an up-to-date build may leave the jar as it was; it is current now
fi
if [[ ! -f "$jar" || ! -f "$classpath_file" ]]; then
  echo "benchmarks: $jar or $classpath_file is missing; run without --no-build" >&2
  exit 1
fi

if ((${#args[@]})); then
  command_line+=" $(printf '%q ' "${args[@]}")"
fi

main_args=()
if [[ "$main" == *BenchmarkMain ]]; then
  main_args+=("--command=${command_line% }")
fi

export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java -Xmx6g ${JAVA_OPTS:-} \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.org.apache.flink=error \
  -Dorg.slf4j.simpleLogger.log.org.apache.beam.runners.flink=error \
  -Dorg.slf4j.simpleLogger.log.org.apache.beam.sdk.io.kafka=error \
  -Dorg.slf4j.simpleLogger.log.org.apache.beam.sdk.metrics.MetricsEnvironment=off \
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error \
  -Dorg.slf4j.simpleLogger.log.kafka=error \
  -cp "$jar:$(cat "$classpath_file")" \
  "$main" ${main_args[@]+"${main_args[@]}"} ${args[@]+"${args[@]}"}
