#!/usr/bin/env bash
# The one-command demo on the DirectRunner: embedded Kafka, record + model publishers, the serving
# pipeline, and a console that prints each scored record with the model that scored it.
# Stops on Ctrl-C, or after --durationSeconds=N. Extra options are passed on (demo --help lists them).
exec "$(dirname "$0")/../app.sh" demo "$@"
