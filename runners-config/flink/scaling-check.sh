#!/usr/bin/env bash
# Throughput of the serving job on a standalone Flink cluster at parallelism 1 and 2, on the same
# input (1,000,000 wine records pre-loaded in an embedded Kafka broker), median of 3 runs each.
# Takes several minutes and several cores; not part of CI. Options (with defaults):
#   --records=1000000 --repeats=3 --parallelisms=1,2 --taskmanagers=2 --slots=1
#   --model=wine-linear.pmml (a file of testdata/files/models) --runTimeoutSeconds=900
# It starts its own cluster (runners-config/flink/cluster.sh, in a temporary directory, on free ports)
# and stops it at the end. The driver is ScalingCheck in the pipeline's test classes.
set -euo pipefail
source "$(dirname "$0")/check-driver.sh"
run_check ScalingCheck "$@"
