# Sourced by app.sh and flink/cluster.sh: finds the application jar, building the project first
# (mvn install, tests skipped) when the jar, its target/lib or the Flink cluster jars are missing, or
# when a pom or a source file is newer than the jar.
# After `app_jar`, $APP_JAR is the jar's absolute path. MODEL_SERVING_SKIP_BUILD=1 uses what is there
# (and fails if it is missing) instead of building: for callers that have just built it.

app_jar() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  APP_JAR=$(ls "$root"/pipeline/target/model-serving-pipeline-*.jar 2>/dev/null | grep -v -e sources -e tests | head -1 || true)
  local complete=1
  if [ -z "$APP_JAR" ] || [ ! -d "$root/pipeline/target/lib" ] || [ ! -d "$root/pipeline/target/flink-cluster-lib" ]; then
    complete=0
  fi
  if [ "${MODEL_SERVING_SKIP_BUILD:-0}" = 1 ]; then
    if [ "$complete" = 0 ]; then
      echo "error: MODEL_SERVING_SKIP_BUILD=1 but the build is incomplete under $root/pipeline/target" \
        "(application jar, lib/ and flink-cluster-lib/ are needed): run mvn install -DskipTests" >&2
      return 1
    fi
    return 0
  fi
  if [ "$complete" = 0 ] || [ -n "$(cd "$root" && find pom.xml */pom.xml transforms/*/pom.xml pipeline/src transforms/*/src testdata/src -newer "$APP_JAR" -type f 2>/dev/null | head -1)" ]; then
    echo "Building the project (mvn install, tests skipped) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests install) >&2
    APP_JAR=$(ls "$root"/pipeline/target/model-serving-pipeline-*.jar | grep -v -e sources -e tests | head -1)
  fi
}
