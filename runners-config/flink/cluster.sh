#!/usr/bin/env bash
# A standalone Flink 1.19 session cluster on this machine, made of the project's Maven artifacts (a
# JobManager and TaskManagers as background java processes bound to localhost), and the serving job
# on it. Run without arguments for the commands.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${FLINK_CLUSTER_DIR:-$repo/flink-cluster}"
conf="$dir/conf/config.yaml"
lib="$repo/pipeline/target/lib"
cluster_lib="$repo/pipeline/target/flink-cluster-lib"
start_timeout="${FLINK_CLUSTER_START_TIMEOUT:-120}"
stop_timeout="${FLINK_CLUSTER_STOP_TIMEOUT:-30}"
submit_timeout="${FLINK_SUBMIT_TIMEOUT:-180}"
savepoint_timeout="${FLINK_SAVEPOINT_TIMEOUT:-180}"

usage() {
  cat <<EOF
usage: runners-config/flink/cluster.sh <command> [options]

A Flink session cluster on localhost: one JobManager and N TaskManagers, each a java process whose
classpath is pipeline/target/lib and pipeline/target/flink-cluster-lib (built by mvn install),
without the project's own jars: those are staged with each job.
Its directory is \$FLINK_CLUSTER_DIR, by default <repo>/flink-cluster (now: $dir):
conf/config.yaml, log/, pids/, checkpoints/, savepoints/, tmp/.

  start [--taskmanagers=1] [--slots=2] [--state-backend=hashmap|rocksdb] [--rest-port=8081]
        [--rpc-port=6123] [--prometheus-ports=9250-9260]
                      write conf/config.yaml, start the JobManager and the TaskManagers, and wait
                      until the REST API reports every TaskManager and slot
  stop                stop every process of the cluster (TERM, then KILL after ${stop_timeout} s)
  status              health check: TaskManagers, slots, jobs, web UI and Prometheus addresses;
                      exits non-zero when the REST API does not answer
  submit [--jobJar=<jar>] [serve options ...]
                      submit the serving job (the application's serve command, detached); prints
                      its job id. Builds the application jar first if it is stale; --jobJar submits
                      another build of it instead (an upgrade: with --savepointPath)
  jobs                list the jobs (id, state, name)
  savepoint <jobId>   stop the job with a savepoint under savepoints/; prints the savepoint path
                      (resume with: submit ... --savepointPath=<path>)
  cancel <jobId>      cancel the job
  taskmanagers        list the TaskManager processes and their pids
  add-taskmanager     start one more TaskManager
  kill-taskmanager [--signal=KILL|TERM|STOP] [--taskmanager=N]
                      kill (KILL: a crash), stop (TERM) or halt (STOP: a hang) a TaskManager
                      process, the newest by default, to see the job fail over; prints its pid

Environment: FLINK_CLUSTER_DIR; FLINK_CLUSTER_START_TIMEOUT ($start_timeout s),
FLINK_CLUSTER_STOP_TIMEOUT ($stop_timeout s), FLINK_SUBMIT_TIMEOUT ($submit_timeout s),
FLINK_SAVEPOINT_TIMEOUT ($savepoint_timeout s); MODEL_SERVING_SKIP_BUILD=1 uses the build as it is.
Needs java 17 and curl.
EOF
}

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

info() {
  echo "$*" >&2
}

# --- options ---------------------------------------------------------------------------------

# opt NAME DEFAULT ARGS...: the value of --NAME=value in ARGS, else DEFAULT
opt() {
  local name=$1 value=$2
  shift 2
  local a
  for a in "$@"; do
    case "$a" in
      --"$name"=*) value="${a#--"$name"=}" ;;
    esac
  done
  echo "$value"
}

# check_options ALLOWED... -- ARGS...: fails on an option not in ALLOWED
check_options() {
  local allowed=()
  while [ "$1" != "--" ]; do
    allowed+=("$1")
    shift
  done
  shift
  local a name ok
  for a in "$@"; do
    [ ${#allowed[@]} -gt 0 ] || die "unexpected argument '$a': this command takes none"
    name="${a%%=*}"
    name="${name#--}"
    ok=0
    for n in "${allowed[@]}"; do
      [ "$name" = "$n" ] && ok=1
    done
    [ "$ok" = 1 ] && [[ "$a" == --*=* ]] || die "unknown option '$a' (allowed: ${allowed[*]/#/--}; each as --name=value)"
  done
}

positive_int() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "--$1 must be a positive whole number, was '$2'"
}

port() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] && [ "$2" -le 65535 ] || die "--$1 must be a port (1-65535), was '$2'"
}

# --- the cluster's files and processes -------------------------------------------------------

conf_value() {
  [ -f "$conf" ] || return 1
  sed -n "s/^$1: *//p" "$conf" | head -1
}

need_config() {
  [ -f "$conf" ] || die "no cluster configured in $dir (start one with: cluster.sh start)"
}

rest_url() {
  local p
  p=$(conf_value rest.port) || die "no cluster configured in $dir (start one with: cluster.sh start)"
  echo "http://localhost:$p"
}

# pid of a process of this cluster from its pid file, if it is alive and really ours
live_pid() {
  local file="$dir/pids/$1.pid" pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-c $dir/conf " || return 1
  echo "$pid"
}

process_names() {
  [ -d "$dir/pids" ] || return 0
  local f
  for f in "$dir"/pids/*.pid; do
    [ -e "$f" ] && basename "$f" .pid
  done | sort -t- -k2 -n
}

taskmanager_names() {
  process_names | grep '^taskmanager-' || true
}

# the port the Prometheus reporter of a process took, from its log
prometheus_port() {
  sed -n 's/.*Started PrometheusReporter HTTP server on port \([0-9]*\).*/\1/p' "$dir/log/$1.log" 2>/dev/null | tail -1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- REST ------------------------------------------------------------------------------------

# every command that talks to a running cluster: its config and curl
need_cluster() {
  need_config
  command -v curl >/dev/null || die "curl is needed to talk to the Flink REST API; install it"
}

# rest METHOD PATH [JSON BODY]: the response body; fails when the API does not answer 2xx
rest() {
  local method=$1 path=$2 body=${3:-}
  if [ -n "$body" ]; then
    curl -sS -f --max-time 20 -X "$method" -H 'Content-Type: application/json' -d "$body" "$(rest_url)$path"
  else
    curl -sS -f --max-time 20 -X "$method" "$(rest_url)$path"
  fi
}

# json_num KEY / json_str KEY: the first such field of the JSON on stdin (Flink's REST answers are
# flat enough for this)
json_num() {
  { grep -o "\"$1\":-\?[0-9]*" || true; } | head -1 | cut -d: -f2
}

json_str() {
  { grep -o "\"$1\":\"[^\"]*\"" || true; } | head -1 | sed 's/^[^:]*:"//; s/"$//'
}

# one line per job: "<id> <state> <name>"
job_lines() {
  local body
  body=$(rest GET /jobs/overview) || return 1
  { echo "$body" | grep -o '{"jid":"[^"]*","name":"[^"]*"[^{}]*"state":"[A-Z_]*"' || true; } |
    sed 's/^{"jid":"\([^"]*\)","name":"\([^"]*\)".*"state":"\([A-Z_]*\)"$/\1 \3 \2/'
}

job_state() {
  rest GET "/jobs/$1" | json_str state
}

check_job_id() {
  [[ "${1:-}" =~ ^[0-9a-f]{32}$ ]] || die "expected a job id (32 hex digits, see: cluster.sh jobs), got '${1:-}'"
}

# --- start -----------------------------------------------------------------------------------

write_config() {
  local slots=$1 backend=$2 rest_port=$3 rpc_port=$4 prom_ports=$5
  mkdir -p "$dir/conf" "$dir/log" "$dir/pids" "$dir/checkpoints" "$dir/savepoints" "$dir/tmp" "$dir/plugins"
  cat >"$conf" <<EOF
# Written by runners-config/flink/cluster.sh start; rewritten at every start.
# Everything on localhost.
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: localhost
taskmanager.host: localhost
taskmanager.bind-host: localhost
rest.address: localhost
rest.bind-address: localhost
rest.port: $rest_port

# JobManager: 1600 MB process (1024 MB heap, as the java command line of start sets it).
jobmanager.memory.process.size: 1600m
# TaskManager: what Flink's shell scripts would compute, which TaskManagerRunner needs spelled out
# (the java command line of start matches it: heap = framework + task heap, direct = framework +
# task off-heap + network). Per slot: 512 MB task heap, 128 MB managed memory (RocksDB uses it),
# 64 MB network buffers.
taskmanager.numberOfTaskSlots: $slots
taskmanager.cpu.cores: $slots
taskmanager.memory.task.heap.size: $((512 * slots))m
taskmanager.memory.task.off-heap.size: 64m
taskmanager.memory.managed.size: $((128 * slots))m
taskmanager.memory.network.min: $((64 * slots))m
taskmanager.memory.network.max: $((64 * slots))m
taskmanager.memory.framework.heap.size: 128m
taskmanager.memory.framework.off-heap.size: 128m
taskmanager.memory.jvm-metaspace.size: 256m
taskmanager.memory.jvm-overhead.min: 192m
taskmanager.memory.jvm-overhead.max: 192m
parallelism.default: 1

# State, checkpoints and savepoints, all under the cluster directory.
state.backend.type: $backend
state.checkpoints.dir: file://$dir/checkpoints
state.savepoints.dir: file://$dir/savepoints
execution.checkpointing.interval: 2 s
# kept when a job is cancelled: submit --savepointPath=<a chk-N directory> resumes from one
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
io.tmp.dirs: $dir/tmp
web.tmpdir: $dir/tmp/web
blob.storage.directory: $dir/tmp/blobs

# A failed task restarts after 1 s, as often as it takes (a lost TaskManager's slots come back
# when a TaskManager registers again: cluster.sh add-taskmanager).
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 2147483647
restart-strategy.fixed-delay.delay: 1 s

# A TaskManager whose process died is noticed as soon as heartbeat calls to it fail (seen: 1.5 s);
# one that stops answering (hangs) is declared lost after 5 s (Flink: 50 s).
heartbeat.interval: 1000
heartbeat.timeout: 5000

# Prometheus: every process serves /metrics on the first free port of the range (Flink 1.19's
# reporter listens on all interfaces: it has no host option).
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $prom_ports

# Read by the serving client too (submit passes --flinkConfDir=conf): network buffers between
# tasks leave at least every 5 ms (half the serving default --maxBatchWaitMillis; Flink: 100 ms).
execution.buffer-timeout.interval: 5 ms
EOF
}

# The classpath of the cluster's processes: the application's dependencies without the project's
# own modules, and the cluster-only jars. The project's modules travel with each job instead
# (job_jars): every job then has its own copy of their classes and static state (the JVM-wide
# model cache, its loader threads), which ends with the job, and a rebuilt module is used by the
# next job without restarting the cluster.
cluster_classpath() {
  local jar cp=""
  for jar in "$lib"/*.jar; do
    case "$(basename "$jar")" in
      model-serving-*) ;;
      *) cp="$cp:$jar" ;;
    esac
  done
  echo "${cp#:}:$cluster_lib/*"
}

# The jars staged with a job (comma-separated): the application jar and the project's modules.
job_jars() {
  local jar jars="$APP_JAR"
  for jar in "$lib"/model-serving-*.jar; do
    [ -e "$jar" ] && jars="$jars,$jar"
  done
  echo "$jars"
}

# What Flink's own launch scripts open on Java 17: Kryo reflects into these when it snapshots state.
java17_opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

# java_process NAME MAIN_CLASS JVM_OPTIONS... [-- PROGRAM_ARGUMENTS...]: starts a cluster process in
# the background, its output appended to log/NAME.log, its pid in pids/NAME.pid
java_process() {
  local name=$1 main=$2
  shift 2
  local jvm=() program=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    jvm+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  program=("$@")
  local log="$dir/log/$name.log"
  echo "=== $(date '+%Y-%m-%d %H:%M:%S') starting $name" >>"$log"
  # shellcheck disable=SC2086
  FLINK_PLUGINS_DIR="$dir/plugins" nohup java "${jvm[@]}" "${java17_opens[@]}" \
    -Dlog.file="$log" \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS" \
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
    ${FLINK_CLUSTER_JAVA_OPTS:-} \
    -cp "$(cluster_classpath)" "$main" -c "$dir/conf" "${program[@]}" >>"$log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name.pid"
  info "started $name (pid $!), log: $log"
}

start_taskmanager() {
  local name=$1 slots
  slots=$(conf_value taskmanager.numberOfTaskSlots)
  java_process "$name" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    -Xms$((128 + 512 * slots))m -Xmx$((128 + 512 * slots))m \
    -XX:MaxDirectMemorySize=$((128 + 64 + 64 * slots))m -XX:MaxMetaspaceSize=256m \
    -- -D "taskmanager.resource-id=$name"
}

# wait_for_slots TASKMANAGERS SLOTS: until /overview reports them, a process dies, or the timeout
wait_for_slots() {
  local want_tms=$1 want_slots=$2 deadline=$((SECONDS + start_timeout)) overview="" name
  while [ $SECONDS -lt $deadline ]; do
    for name in $(process_names); do
      # kill -0, not live_pid: a process forked a moment ago may not have become java yet
      kill -0 "$(cat "$dir/pids/$name.pid")" 2>/dev/null || {
        info "$name exited during the start; the end of $dir/log/$name.log:"
        tail -n 30 "$dir/log/$name.log" | cut -c1-400 >&2 || true
        return 1
      }
    done
    overview=$(rest GET /overview 2>/dev/null || true)
    local tms slots
    tms=$(echo "$overview" | json_num taskmanagers)
    slots=$(echo "$overview" | json_num slots-total)
    if [ "${tms:-0}" -ge "$want_tms" ] && [ "${slots:-0}" -ge "$want_slots" ]; then
      return 0
    fi
    sleep 0.5
  done
  info "timed out after ${start_timeout} s; last /overview: ${overview:-no answer}"
  return 1
}

cmd_start() {
  check_options taskmanagers slots state-backend rest-port rpc-port prometheus-ports -- "$@"
  local tms slots backend rest_port rpc_port prom_ports name
  tms=$(opt taskmanagers 1 "$@")
  slots=$(opt slots 2 "$@")
  backend=$(opt state-backend hashmap "$@")
  rest_port=$(opt rest-port 8081 "$@")
  rpc_port=$(opt rpc-port 6123 "$@")
  prom_ports=$(opt prometheus-ports 9250-9260 "$@")
  positive_int taskmanagers "$tms"
  positive_int slots "$slots"
  port rest-port "$rest_port"
  port rpc-port "$rpc_port"
  [[ "$backend" =~ ^(hashmap|rocksdb)$ ]] || die "--state-backend must be hashmap or rocksdb, was '$backend'"
  [[ "$prom_ports" =~ ^[1-9][0-9]*-[1-9][0-9]*$ ]] && [ "${prom_ports%-*}" -le "${prom_ports#*-}" ] ||
    die "--prometheus-ports must be a range FIRST-LAST (one port per process), was '$prom_ports'"
  command -v curl >/dev/null || die "curl is needed to talk to the Flink REST API; install it"
  for name in $(process_names); do
    if live_pid "$name" >/dev/null; then
      die "a cluster is already running in $dir ($name, pid $(live_pid "$name")); stop it first: cluster.sh stop"
    fi
  done
  rm -f "$dir"/pids/*.pid
  port_in_use "$rest_port" && die "port $rest_port (REST) is in use; choose another with --rest-port="
  port_in_use "$rpc_port" && die "port $rpc_port (JobManager RPC) is in use; choose another with --rpc-port="

  source "$repo/runners-config/app-jar.sh"
  app_jar
  write_config "$slots" "$backend" "$rest_port" "$rpc_port" "$prom_ports"
  java_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    -Xms1024m -Xmx1024m -XX:MaxDirectMemorySize=128m -XX:MaxMetaspaceSize=256m
  for i in $(seq 1 "$tms"); do
    start_taskmanager "taskmanager-$i"
  done
  info "waiting for $tms TaskManager(s) with $((tms * slots)) slots (up to ${start_timeout} s) ..."
  if ! wait_for_slots "$tms" $((tms * slots)); then
    info "the cluster did not come up; stopping what started. Logs: $dir/log/"
    cmd_stop >&2 || true
    exit 1
  fi
  cmd_status
}

# --- stop ------------------------------------------------------------------------------------

cmd_stop() {
  local name pid pids=() names=() deadline
  for name in $(process_names); do
    if pid=$(live_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      kill -CONT "$pid" 2>/dev/null || true # a process halted by kill-taskmanager --signal=STOP
      pids+=("$pid")
      names+=("$name")
    fi
  done
  if [ ${#pids[@]} -eq 0 ]; then
    rm -f "$dir"/pids/*.pid 2>/dev/null || true
    echo "no cluster process running in $dir"
    return 0
  fi
  deadline=$((SECONDS + stop_timeout))
  while [ $SECONDS -lt $deadline ]; do
    local alive=0
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      info "${names[$i]} (pid ${pids[$i]}) did not stop within ${stop_timeout} s: killing it"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  rm -f "$dir"/pids/*.pid
  echo "stopped ${names[*]}"
}

# --- status ----------------------------------------------------------------------------------

cmd_status() {
  need_cluster
  local url overview name pid prom
  url=$(rest_url)
  if ! overview=$(rest GET /overview 2>/dev/null); then
    echo "cluster.sh: the Flink REST API at $url does not answer (cluster directory $dir)" >&2
    for name in $(process_names); do
      if pid=$(live_pid "$name"); then
        echo "  $name: pid $pid still running; log $dir/log/$name.log" >&2
      else
        echo "  $name: not running; log $dir/log/$name.log" >&2
      fi
    done
    echo "  start it with: cluster.sh start" >&2
    return 1
  fi
  echo "Flink $(echo "$overview" | json_str flink-version) session cluster in $dir"
  echo "  web UI:         $url"
  echo "  taskmanagers:   $(echo "$overview" | json_num taskmanagers) registered;" \
    "slots: $(echo "$overview" | json_num slots-total) total, $(echo "$overview" | json_num slots-available) free"
  for name in $(process_names); do
    prom=$(prometheus_port "$name")
    if pid=$(live_pid "$name"); then
      if [ -n "$prom" ]; then
        prom="http://localhost:$prom/metrics"
      else
        prom="none yet (see $dir/log/$name.log)"
      fi
      printf '  %-15s pid %-8s prometheus %s\n' "$name:" "$pid" "$prom"
    else
      printf '  %-15s not running (log %s)\n' "$name:" "$dir/log/$name.log"
    fi
  done
  echo "  jobs running:   $(echo "$overview" | json_num jobs-running)"
  job_lines | while read -r id state jobname; do
    if [ "$state" = RUNNING ]; then
      echo "    $id  $jobname"
    fi
  done || true
  return 0
}

cmd_jobs() {
  need_cluster
  local lines
  lines=$(job_lines) || die "the Flink REST API at $(rest_url) does not answer"
  if [ -z "$lines" ]; then
    echo "no jobs"
    return 0
  fi
  echo "$lines" | while read -r id state jobname; do
    printf '%s  %-10s %s\n' "$id" "$state" "$jobname"
  done
}

# --- taskmanagers ----------------------------------------------------------------------------

cmd_taskmanagers() {
  local name pid any=0
  for name in $(taskmanager_names); do
    any=1
    if pid=$(live_pid "$name"); then
      echo "$name pid $pid"
    else
      echo "$name not running"
    fi
  done
  [ $any = 1 ] || echo "no TaskManagers in $dir"
}

cmd_add_taskmanager() {
  check_options -- "$@"
  need_cluster
  local last next pid deadline
  rest GET /overview >/dev/null 2>&1 || die "the cluster does not answer at $(rest_url); start it first"
  # a new number, also after kill-taskmanager: every TaskManager keeps its own log
  last=$(ls "$dir"/log/taskmanager-*.log 2>/dev/null | sed 's/.*taskmanager-\([0-9]*\)\.log$/\1/' | sort -n | tail -1)
  next="taskmanager-$((${last:-0} + 1))"
  source "$repo/runners-config/app-jar.sh"
  app_jar
  start_taskmanager "$next"
  pid=$(cat "$dir/pids/$next.pid")
  deadline=$((SECONDS + start_timeout))
  # registered: the cluster lists its resource id
  until rest GET /taskmanagers 2>/dev/null | grep -qF "\"id\":\"$next\""; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$dir/log/$next.log" | cut -c1-400 >&2 || true
      die "$next exited before it registered; its log: $dir/log/$next.log"
    fi
    [ $SECONDS -lt $deadline ] || die "$next did not register within ${start_timeout} s; see $dir/log/$next.log"
    sleep 0.5
  done
  echo "$next registered"
}

cmd_kill_taskmanager() {
  check_options signal taskmanager -- "$@"
  local signal which name pid
  signal=$(opt signal KILL "$@")
  signal=${signal#SIG}
  which=$(opt taskmanager "" "$@")
  [[ "$signal" =~ ^(KILL|TERM|STOP)$ ]] ||
    die "--signal must be KILL (a crash), TERM (a clean stop) or STOP (a hang), was '$signal'"
  if [ -n "$which" ]; then
    name="taskmanager-$which"
    pid=$(live_pid "$name") || die "$name is not running (see: cluster.sh taskmanagers)"
  else
    for n in $(taskmanager_names | sort -t- -k2 -rn); do
      if pid=$(live_pid "$n"); then
        name=$n
        break
      fi
    done
    [ -n "${name:-}" ] || die "no TaskManager is running in $dir"
  fi
  kill -s "$signal" "$pid"
  [ "$signal" = KILL ] && rm -f "$dir/pids/$name.pid"
  info "sent SIG$signal to $name (pid $pid)"
  echo "$pid"
}

# --- jobs ------------------------------------------------------------------------------------

# the last lines of the client's output that say why it failed
client_failure() {
  grep -v -e '^\s*at ' -e '^\s*\.\.\. [0-9]* more' "$1" | tail -n 15 >&2 || true
}

cmd_submit() {
  need_cluster
  local name="" a flink_conf=1 backend=1 storage=1 id="" state="" log deadline job_jar="" serve_args=()
  for a in "$@"; do
    case "$a" in
      --jobJar=*) job_jar="${a#--jobJar=}"; continue ;;
      --jobName=*) name="${a#--jobName=}" ;;
      --flinkConfDir=*) flink_conf=0 ;;
      --stateBackend=*) backend=0 ;;
      --stateBackendStoragePath=*) storage=0 ;;
      --runner=* | --flinkMaster=* | --filesToStage=* | --streaming* | --attachedMode*)
        die "submit sets ${a%%=*} itself: leave it out" ;;
    esac
    serve_args+=("$a")
  done
  rest GET /overview >/dev/null 2>&1 || die "no cluster answers at $(rest_url); start it first: cluster.sh start"
  local extra=()
  if [ -z "$name" ]; then
    name="serving-$(date +%Y%m%d-%H%M%S)-$RANDOM"
    extra+=("--jobName=$name")
  fi
  # the client reads the cluster's config.yaml (checkpoint interval, buffer timeout) unless told otherwise
  [ $flink_conf = 1 ] && extra+=("--flinkConfDir=$dir/conf")
  # the job keeps the cluster's state backend and checkpoint directory, whatever the serve command's
  # own defaults for them are (Beam calls the hashmap backend 'filesystem')
  if [ $backend = 1 ]; then
    if [ "$(conf_value state.backend.type)" = rocksdb ]; then
      extra+=(--stateBackend=rocksdb)
    else
      extra+=(--stateBackend=filesystem)
    fi
  fi
  [ $storage = 1 ] && extra+=("--stateBackendStoragePath=$(conf_value state.checkpoints.dir)")
  if [ -n "$job_jar" ]; then
    [ -f "$job_jar" ] || die "--jobJar: no such file: $job_jar"
    APP_JAR="$(cd "$(dirname "$job_jar")" && pwd)/$(basename "$job_jar")"
  else
    source "$repo/runners-config/app-jar.sh"
    app_jar
  fi
  mkdir -p "$dir/log"
  log="$dir/log/submit-$name.log"
  info "submitting job '$name' (client log: $log) ..."
  # The serve command submits the job detached, then only polls its state until it ends: once the
  # cluster has the job, the client is killed (SIGKILL: its shutdown hook would cancel the job).
  java ${JAVA_OPTS:-} -cp "$APP_JAR:$lib/*:$cluster_lib/*" \
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
    dev.modelserving.beam.pipeline.Main serve --runner=FlinkRunner \
    --flinkMaster="localhost:$(conf_value rest.port)" --filesToStage="$(job_jars)" \
    --streaming=true --attachedMode=false "${extra[@]}" "${serve_args[@]}" >"$log" 2>&1 </dev/null &
  submit_client=$!
  trap 'kill -KILL $submit_client 2>/dev/null || true' EXIT
  deadline=$((SECONDS + submit_timeout))
  while [ $SECONDS -lt $deadline ]; do
    id=$({ job_lines 2>/dev/null || true; } | awk -v n="$name" '$3 == n { print $1; exit }')
    [ -n "$id" ] && break
    if ! kill -0 "$submit_client" 2>/dev/null; then
      local code=0
      wait "$submit_client" || code=$?
      info "the serve command ended (exit code $code) before the cluster had the job; its output:"
      client_failure "$log"
      exit 1
    fi
    sleep 0.5
  done
  kill -KILL "$submit_client" 2>/dev/null || true
  wait "$submit_client" 2>/dev/null || true
  [ -n "$id" ] || {
    client_failure "$log"
    die "the cluster did not get job '$name' within ${submit_timeout} s; client log: $log"
  }
  while [ $SECONDS -lt $deadline ]; do
    state=$(job_state "$id" || true)
    case "$state" in
      RUNNING) break ;;
      FAILED | CANCELED | FINISHED)
        rest GET "/jobs/$id/exceptions" | json_str root-exception | sed 's/\\n/\n/g; s/\\t/  /g' | head -5 >&2 || true
        die "job $id ended as $state before it ran" ;;
    esac
    sleep 0.5
  done
  [ "$state" = RUNNING ] || die "job $id is $state after ${submit_timeout} s (see the web UI: $(rest_url))"
  info "job $id '$name' is RUNNING; web UI: $(rest_url)/#/job/running/$id/overview"
  echo "$id"
}

cmd_cancel() {
  check_job_id "${1:-}"
  need_cluster
  local id=$1 deadline state
  rest PATCH "/jobs/$id?mode=cancel" >/dev/null || die "cannot cancel job $id (see: cluster.sh jobs)"
  deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    state=$(job_state "$id" || true)
    case "$state" in
      CANCELED | FAILED | FINISHED)
        echo "job $id $state"
        return 0 ;;
    esac
    sleep 0.5
  done
  die "job $id is still $state 60 s after the cancel request"
}

cmd_savepoint() {
  check_job_id "${1:-}"
  need_cluster
  local id=$1 trigger answer deadline location status
  trigger=$(rest POST "/jobs/$id/stop" "{\"targetDirectory\":\"file://$dir/savepoints\",\"drain\":false}" | json_str request-id) ||
    die "cannot stop job $id with a savepoint (is it running? cluster.sh jobs)"
  [ -n "$trigger" ] || die "the cluster did not accept the savepoint request for job $id"
  info "stopping job $id with a savepoint (request $trigger) ..."
  deadline=$((SECONDS + savepoint_timeout))
  while [ $SECONDS -lt $deadline ]; do
    answer=$(rest GET "/jobs/$id/savepoints/$trigger" || true)
    status=$(echo "$answer" | { grep -o '"status":{"id":"[A-Z_]*"' || true; } | sed 's/.*"\([A-Z_]*\)"$/\1/')
    if [ "$status" = COMPLETED ]; then
      location=$(echo "$answer" | json_str location)
      if [ -z "$location" ]; then
        echo "$answer" | grep -o '"stack-trace":"[^"]*' | cut -c16- | sed 's/\\n/\n/g; s/\\t/  /g' | head -8 >&2
        die "the savepoint of job $id failed (the job keeps running)"
      fi
      info "job $id stopped; savepoint: $location"
      echo "$location"
      return 0
    fi
    sleep 0.5
  done
  die "the savepoint of job $id did not complete within ${savepoint_timeout} s"
}

# --- main ------------------------------------------------------------------------------------

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  start) cmd_start "$@" ;;
  stop) check_options -- "$@"; cmd_stop ;;
  status) check_options -- "$@"; cmd_status ;;
  submit) cmd_submit "$@" ;;
  jobs) check_options -- "$@"; cmd_jobs ;;
  savepoint) cmd_savepoint "$@" ;;
  cancel) cmd_cancel "$@" ;;
  taskmanagers) check_options -- "$@"; cmd_taskmanagers ;;
  add-taskmanager) cmd_add_taskmanager "$@" ;;
  kill-taskmanager) cmd_kill_taskmanager "$@" ;;
  -h | --help | help) usage ;;
  "")
    usage >&2
    exit 2 ;;
  *)
    usage >&2
    die "unknown command '$command'" ;;
esac
