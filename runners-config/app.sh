#!/usr/bin/env bash
# Runs the application jar (building it first if it is missing or older than the sources).
# Usage: runners-config/app.sh <serve|demo|publish-model|route|status> [--option=value ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar=$(ls pipeline/target/model-serving-pipeline-*.jar 2>/dev/null | grep -v -e sources -e tests | head -1 || true)
if [ -z "$jar" ] || [ -n "$(find pom.xml */pom.xml transforms/*/pom.xml pipeline/src transforms/*/src testdata/src -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  echo "Building the project (mvn install, tests skipped) ..." >&2
  mvn -B -q -DskipTests install
  jar=$(ls pipeline/target/model-serving-pipeline-*.jar | grep -v -e sources -e tests | head -1)
fi
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
