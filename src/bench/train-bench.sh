#!/usr/bin/env bash
# Training-loop throughput of the whole job (see BENCHMARKS.md): windows/s with local[1] and local[2] on a
# synthetic dataset of 10,000 series x 1,000 points (10 million points), the share of each iteration's wall time
# spent in kernel compute, and the cached size against the raw size.
# Usage: src/bench/train-bench.sh [BATCH] [ITERATIONS]   (defaults: the configured batch size, 60 iterations)
# BENCH_JAVA_OPTS: extra JVM options after conf/jvm.options (for example
# "-XX:TypeProfileLevel=111 -XX:+UseTypeSpeculation" to measure without the kernel's JIT options)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/target/bench"
data="$out/10m.parquet"
mkdir -p "$out"
# shellcheck source=../../jobs/common.sh
source "$root/jobs/common.sh"
spark_gru_build
[ -d "$data" ] || (JAVA_OPTS=-Xmx8g spark_gru_run org.sparkgru.data.SampleGenerator "$data" 10000 1000 1 parquet) 2>/dev/null
batch=${1:-}
iterations=${2:-60}
for master in 'local[1]' 'local[2]'; do
  model="$out/train-bench-${master//[^0-9]/}"
  rm -rf "$model"
  sets=(--set 'data.features=[temperature]' --set "train.iterations=$iterations" --set train.validationEvery=100000
        --set train.checkpointEvery=0)
  [ -n "$batch" ] && sets+=(--set "train.batchSize=$batch")
  JAVA_OPTS="-Xmx12g ${BENCH_JAVA_OPTS:-}" "$root/jobs/train.sh" --input "$data" --model "$model" --master "$master" "${sets[@]}" \
    > "$out/train-bench-${master//[^0-9]/}.log" 2>&1
  /usr/bin/python3 - "$model" "$master" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl")][5:]
meta = json.load(open(sys.argv[1] + "/model.json"))["metadata"]
rate = statistics.median(l["windowsPerSecond"] for l in lines)
share = statistics.median(l["computeShare"] for l in lines)
heap = statistics.median(l["taskHeapBytesPerWindow"] for l in lines)
raw = meta["dataQuality"]["series"] * 1000 * 2 * 4
print(f"{sys.argv[2]}: {rate:,.0f} windows/s (median of {len(lines)} iterations after 5 warm-up), kernel compute "
      f"{100 * share:.0f} % of wall time, task heap {heap:,.0f} B/window, batch {meta['configuration']['train']['batchSize']}, cached "
      f"{meta['training']['cachedBytes'] / 1e6:.1f} MB vs raw {raw / 1e6:.1f} MB (floats)")
PY
done
