#!/usr/bin/env bash
# Batch forecasting throughput (see BENCHMARKS.md): 100,000 hourly series of 100 points (Parquet), a model with
# lookback 48 and hidden 128, jobs/forecast.sh on local[2]; wall time of the whole job including reading, assembly,
# inference and writing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/target/bench"
data="$out/100k.parquet"
model="$out/forecast-bench-model"
mkdir -p "$out"
# shellcheck source=../../jobs/common.sh
source "$root/jobs/common.sh"
spark_gru_build
[ -d "$data" ] || (JAVA_OPTS=-Xmx8g spark_gru_run org.sparkgru.data.SampleGenerator "$data" 100000 100 3 parquet) 2>/dev/null
if [ ! -f "$model/_SUCCESS" ]; then
  rm -rf "$model"
  "$root/jobs/train.sh" --input "$root/data-samples/hourly.parquet" --model "$model" --set model.hidden=128 \
    --set model.lookback=48 --set 'data.features=[temperature]' --set train.iterations=20 >/dev/null 2>&1
fi
for run in 1 2 3; do
  rm -rf "$out/forecast-bench-out"
  start=$(date +%s.%N)
  JAVA_OPTS="-Xmx12g" "$root/jobs/forecast.sh" --model "$model" --input "$data" --output "$out/forecast-bench-out" \
    --master 'local[2]' > "$out/forecast-bench.log" 2>&1
  end=$(date +%s.%N)
  echo "run $run: $(tail -1 "$out/forecast-bench.log" | cut -c1-80)... $(echo "$end - $start" | bc) s wall"
done
