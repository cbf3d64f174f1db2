#!/usr/bin/env bash
# Throughput of the serving job on a standalone Flink cluster at parallelism 1 and 2, on the same
# input (300,000 wine records pre-loaded in an embedded Kafka broker), median of 3 runs each.
# Takes several minutes and several cores; not part of CI. Options (with defaults):
#   --records=300000 --repeats=3 --parallelisms=1,2 --taskmanagers=1 --slots=2
#   --model=forest-200x8 --warmUp=true --runTimeoutSeconds=900 --serveOptions="" (more serve options for
#   every job, space-separated, e.g. --serveOptions="--producerProperties=linger.ms=20")
# --warmUp: a first, uncounted run at the highest parallelism, so that no measured run pays for
# compiling the serving code on a cold TaskManager.
# --model: forest-<trees>x<depth> (a PMML random forest grown at start, costly per record, so the
# scoring is what parallelism divides), wine-mlp (TensorFlow), or a file of testdata/files/models.
# It starts its own cluster (runners-config/flink/cluster.sh, in a temporary directory, on free ports)
# and stops it at the end. The driver is ScalingCheck in the pipeline's test classes.
set -euo pipefail
source "$(dirname "$0")/check-driver.sh"
run_check ScalingCheck "$@"
