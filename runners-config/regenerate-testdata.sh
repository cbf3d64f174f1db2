#!/usr/bin/env bash
# Regenerates testdata/files from the seed: the wine data set, the two PMML models and the TensorFlow
# models. The CSV and PMML files come out byte-identical; the TensorFlow variables and frozen graph
# too, but TensorFlow writes saved_model.pb with maps in hash order, so those differ in bytes only
# (their predictions are checked by WineMlpTrainerTest).
# Usage: runners-config/regenerate-testdata.sh [seed=42]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seed=${1:-42}
mvn -B -q -DskipTests install -pl testdata -am
mvn -B -q dependency:build-classpath -pl testdata -Dmdep.outputFile=target/classpath.txt
cp="testdata/target/classes:$(cat testdata/target/classpath.txt)"
run() { java -cp "$cp" "$@"; }
run dev.modelserving.beam.testdata.WineDataGenerator 2000 "$seed" testdata/files/wine.csv
run dev.modelserving.beam.testdata.pmml.WineLinearTrainer testdata/files/wine.csv testdata/files/models "$seed"
run dev.modelserving.beam.testdata.pmml.WineTreeTrainer testdata/files/wine.csv testdata/files/models "$seed"
run dev.modelserving.beam.testdata.tensorflow.WineMlpTrainer testdata/files/wine.csv testdata/files/models "$seed"
git status --short testdata/files
