#!/usr/bin/env bash
# Throughput of the serving job on a standalone Flink cluster at parallelism 1 and 2, on the same
# input (1,000,000 wine records pre-loaded in an embedded Kafka broker), median of 3 runs each.
# Takes several minutes and several cores; not part of CI. Options (with defaults):
#   --records=1000000 --repeats=3 --parallelisms=1,2 --taskmanagers=2 --slots=1
#   --model=wine-linear.pmml (a file of testdata/files/models) --runTimeoutSeconds=900
# It starts its own cluster (runners-config/flink/cluster.sh, in a temporary directory, on free ports)
# and stops it at the end. The driver is ScalingCheck in the pipeline's test classes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source runners-config/app-jar.sh
app_jar
classes=pipeline/target/test-classes
if [ ! -f "$classes/dev/modelserving/beam/pipeline/flink/ScalingCheck.class" ]; then
  echo "scaling-check.sh: $classes has no ScalingCheck: build with tests compiled (mvn install -DskipTests," \
    "not -Dmaven.test.skip=true)" >&2
  exit 1
fi
exec java -Xmx1g -Drepo.root="$root" -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
  -cp "$classes:$APP_JAR:pipeline/target/lib/*" dev.modelserving.beam.pipeline.flink.ScalingCheck "$@"
