#!/usr/bin/env bash
# The fixed cost of one training iteration (see BENCHMARKS.md, issue 3): the train job on the 12-series sample with
# 2 windows per iteration on local[2] (median iteration time over 280 iterations after 20 warm-up ones, 3 runs), then
# the cost of Spark jobs that do no work (org.sparkgru.bench.SparkJobFloor).
# Usage: src/bench/iteration-floor.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/target/bench"
mkdir -p "$out"
(cd "$root" && mvn -B -q -DskipTests test-compile)
for run in 1 2 3; do
  model="$out/iteration-floor"
  rm -rf "$model"
  "$root/jobs/train.sh" --input "$root/data-samples/hourly.parquet" --model "$model" --master 'local[2]' \
    --set 'data.features=[temperature]' --set train.batchSize=2 --set train.iterations=300 \
    --set train.validationEvery=100000 --set train.checkpointEvery=0 > "$out/iteration-floor.log" 2>&1
  /usr/bin/python3 - "$model" "$run" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl")][20:]
wall = statistics.median(l["executorSeconds"] + l["driverSeconds"] for l in lines)
print(f"run {sys.argv[2]}: median iteration {1000 * wall:.2f} ms with 2 windows per iteration on local[2]")
PY
done
# shellcheck source=../../jobs/common.sh
source "$root/jobs/common.sh"
java "${SPARK_GRU_JVM_OPTS[@]}" -cp "$root/target/classes:$root/target/test-classes:$(cat "$root/target/test-classpath.txt")" \
  org.sparkgru.bench.SparkJobFloor 2>/dev/null
