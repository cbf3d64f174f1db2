#!/usr/bin/env bash
# Failover of the serving job on a standalone Flink cluster: kill -9 of the TaskManager mid-stream,
# then a new TaskManager. Prints records sent, lost and duplicated ids, the models that scored the
# records before and after the crash, and the time from the kill to the first new output.
# Options (with defaults): --rate=200 --beforeSeconds=25 --afterSeconds=20
#   --outputDelivery=exactly-once --parallelism=2 --checkpointingInterval=0 (the cluster's, 2 s)
#   --standbyTaskManagers=0 (idle TaskManagers beside the one running the job)
#   --serveOptions="" (more serve options for the job, space-separated)
# It starts its own Kafka broker and cluster (on free ports, in a temporary directory) and stops them
# at the end; about two minutes. The cluster's logs are kept in pipeline/target/failover-check/logs.
# The driver is FailoverCheck in the pipeline's test classes; FlinkFailoverIT runs it in the build
# with the defaults and asserts on what it measures.
set -euo pipefail
source "$(dirname "$0")/check-driver.sh"
run_check FailoverCheck "$@"
