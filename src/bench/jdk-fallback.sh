#!/usr/bin/env bash
# How often the Vector API kernel runs through its allocating fallback inside Spark, per JDK (see BENCHMARKS.md):
# trains RUNS times on each input (the sample as CSV and Parquet, the public datasets of ../shared/data) with
# jobs/train.sh as a user would, and prints per run the median taskHeapBytesPerWindow over iterations 11 to the end
# (0 when the kernel is compiled) and whether the run warned about the fallback.
# Usage: src/bench/jdk-fallback.sh JAVA_HOME [RUNS] [ITERATIONS]   (defaults: 3 runs, 100 iterations)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
java_home="$1"
runs=${2:-3}
iterations=${3:-100}
data="${SPARK_GRU_DATA:-$root/../shared/data}"
out="$root/target/bench/jdk-fallback"
mkdir -p "$out"
inputs=(
  "sample-csv|$root/data-samples/hourly.csv|csv|data.features=[temperature]"
  "sample-parquet|$root/data-samples/hourly.parquet|parquet|data.features=[temperature]"
  "us_employment|$data/us_employment_monthly.csv|csv|data.time=month data.target=employees model.lookback=36 model.horizon=12"
  "weather|$data/weather_daily.csv|csv|data.time=date model.lookback=56 model.horizon=14"
  "flights_daily|$data/flights_daily.csv|csv|data.id=airport data.time=day data.target=departures model.lookback=56 model.horizon=14"
  "flights_hourly|$data/flights_hourly.csv|csv|data.id=airport data.time=hour data.target=departures model.lookback=168 model.horizon=48"
)
for r in $(seq 1 "$runs"); do
  for spec in "${inputs[@]}"; do
    IFS='|' read -r name input format sets <<< "$spec"
    model="$out/$name-$r"
    rm -rf "$model"
    args=()
    for s in $sets train.iterations=$iterations train.checkpointEvery=0; do args+=(--set "$s"); done
    JAVA_HOME="$java_home" "$root/jobs/train.sh" --input "$input" --format "$format" --model "$model" "${args[@]}" \
      > "$model.log" 2>&1 || { echo "$name run $r: failed, see $model.log"; continue; }
    warned=$(grep -c "runs through its slow fallback" "$model.log" || true)
    /usr/bin/python3 - "$model" "$name" "$r" "$warned" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl")]
heap = [l["taskHeapBytesPerWindow"] for l in lines if "taskHeapBytesPerWindow" in l and l["iteration"] > 10]
print(f"{sys.argv[2]} run {sys.argv[3]}: median {statistics.median(heap):,.0f} B/window, warned {sys.argv[4]}")
PY
  done
done
