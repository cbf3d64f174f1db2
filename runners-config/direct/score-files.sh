#!/usr/bin/env bash
# Scores testdata/files/wine.csv in file mode with each demo model, on the DirectRunner, and prints
# per model: records scored, dead letters, wall-clock seconds of the run (JVM start included), and
# the model's score-call latency (p50, p99, max, in microseconds) read from the scored records.
# Usage: runners-config/direct/score-files.sh [extra serve options]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out=$(mktemp -d)
cols=fixed_acidity,volatile_acidity,citric_acid,residual_sugar,chlorides,free_sulfur_dioxide,total_sulfur_dioxide,density,pH,sulphates,alcohol
named=$(echo "$cols" | tr ',' '\n' | awk '{n=$0; gsub("_"," ",n); printf "%s%s=%s", (NR>1?";":""), n, $0}')
printf "%-20s %8s %6s %8s %8s %8s %8s\n" model scored dead wall_s p50_us p99_us max_us
score() { # score MODEL_FILE [model options...]
  local file=$1; shift
  local start end n
  start=$(date +%s.%N)
  "$root/runners-config/app.sh" serve --inputFile=testdata/files/wine.csv \
    --modelFiles="testdata/files/models/$file" "$@" "${extra[@]}" \
    --outputFile="$out/$file.jsonl" --deadLetterFile="$out/$file.dead.jsonl" > "$out/$file.log" 2>&1
  end=$(date +%s.%N)
  sed -n 's/.*"latencyMicros":\([0-9.E-]*\).*/\1/p' "$out/$file.jsonl" | sort -g > "$out/lat"
  n=$(wc -l < "$out/lat")
  awk -v n="$n" -v name="$file" -v dead="$(wc -l < "$out/$file.dead.jsonl")" -v s="$start" -v e="$end" '
    { v[NR]=$1 } END {
      p50=v[int((n-1)*0.50)+1]; p99=v[int((n-1)*0.99)+1];
      printf "%-20s %8d %6d %8.1f %8.1f %8.1f %8.1f\n", name, n, dead, e - s, p50, p99, v[n] }' "$out/lat"
}
extra=("$@")
score wine-linear.pmml
score wine-tree.pmml
score wine-mlp --tensorColumns="$cols"
score wine-mlp-frozen.pb --tensorColumns="$cols" --tensorInput=features --modelOutputs=quality
score wine-mlp-named --signature=predict --inputMapping="$named"
rm -rf "$out"
