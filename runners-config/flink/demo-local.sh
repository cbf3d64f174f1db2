#!/usr/bin/env bash
# The demo on the Flink runner's in-process mini-cluster ([local]).
exec "$(dirname "$0")/../app.sh" demo --runner=FlinkRunner --flinkMaster='[local]' --streaming=true --parallelism=2 "$@"
