#!/usr/bin/env bash
# The serving pipeline on the Flink runner's in-process mini-cluster ([local]), on your Kafka:
#   runners-config/flink/serve-local.sh --bootstrapServers=host:9092 --dataTopic=... --modelTopic=...
exec "$(dirname "$0")/../app.sh" serve --runner=FlinkRunner --flinkMaster='[local]' --streaming=true "$@"
