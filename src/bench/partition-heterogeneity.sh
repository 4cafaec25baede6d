#!/usr/bin/env bash
# Does partition heterogeneity hurt local steps? (issue 14; see BENCHMARKS.md) Each partition holds different series
# (hash-partitioned by id), so with train.localSteps = H > 1 every partition drifts on its own series for H steps
# before the average. On public flights_hourly (84 airports of very different sizes; lookback 168, horizon 48, the
# time-to-accuracy bench's formulation) this trains with H in {4, 8} on 1 partition (every step sees every series:
# perfectly representative), 2 and 8 partitions, each with three seeds, all for the windows of 300 synchronous
# iterations, and the synchronous loop (H = 1) as the reference; it prints the best validation MAE per setting.
# Usage: src/bench/partition-heterogeneity.sh [--master local[2]] [--seeds "1 2 3"] [--runs "1:2 4:1 ..."]
#        [--report-only]   (--runs: H:partitions pairs to train, by default all seven)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/../shared/data/flights_hourly.csv"
out="$root/target/bench/partition-heterogeneity"
master='local[2]' seeds='1 2 3' report_only=0 runs="1:2 4:1 4:2 4:8 8:1 8:2 8:8"
while [ $# -gt 0 ]; do
  case "$1" in
    --master) master="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --report-only) report_only=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
common=(--set data.id=airport --set data.time=hour --set data.target=departures --set model.lookback=168
        --set model.horizon=48 --set data.scaling=series --set model.baseline=none --set model.loss=mse
        --set train.validationEvery=5 --set train.checkpointEvery=0)
for run in $runs; do
  [ "$report_only" = 0 ] || break
  h=${run%:*} p=${run#*:}
  for seed in $seeds; do
    name="h$h-p$p-s$seed"
    "$root/jobs/train.sh" --input "$data" --model "$out/$name.model" --overwrite --master "$master" "${common[@]}" \
      --set "train.localSteps=$h" --set "train.iterations=$(( 300 / h ))" --set "data.partitions=$p" \
      --set "train.seed=$seed" > "$out/$name.log" 2>&1 || { echo "$name failed, see $out/$name.log"; exit 1; }
  done
done
/usr/bin/python3 - "$out" "$runs" "$seeds" <<'PY'
import json, statistics, sys
out, runs, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
print(f"{'H':>2} {'partitions':>10} {'best validation MAE per seed':>34} {'mean':>8}")
for run in runs:
    h, p = run.split(":")
    best = []
    for s in seeds:
        lines = [json.loads(l) for l in open(f"{out}/h{h}-p{p}-s{s}.model/metrics.jsonl")]
        best.append(min(l["valMAE"] for l in lines if "valMAE" in l))
    print(f"{h:>2} {p:>10} {'  '.join(f'{b:.4f}' for b in best):>34} {statistics.mean(best):>8.4f}")
PY
