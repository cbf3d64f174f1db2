#!/usr/bin/env bash
# Runs the application jar (building it first if it is missing or older than the sources).
# Usage: runners-config/app.sh <serve|demo|publish-model|route|status> [--option=value ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source runners-config/app-jar.sh
app_jar
exec java ${JAVA_OPTS:-} -jar "$APP_JAR" "$@"
