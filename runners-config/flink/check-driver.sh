# Sourced by the cluster checks (scaling-check.sh, failover-check.sh): `run_check <Class> args...`
# runs the driver class of that name from the pipeline's test classes, with the application jar and
# its dependencies, building the project first when needed (see app-jar.sh).
run_check() {
  local driver=$1 script root classes
  shift
  script=$(basename "$0")
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  cd "$root"
  source runners-config/app-jar.sh
  app_jar
  classes=pipeline/target/test-classes
  if [ ! -f "$classes/dev/modelserving/beam/pipeline/flink/$driver.class" ]; then
    echo "$script: $classes has no $driver: build with tests compiled (mvn install -DskipTests," \
      "not -Dmaven.test.skip=true)" >&2
    exit 1
  fi
  exec java -Xmx1g -Drepo.root="$root" -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
    -cp "$classes:$APP_JAR:pipeline/target/lib/*" "dev.modelserving.beam.pipeline.flink.$driver" "$@"
}
