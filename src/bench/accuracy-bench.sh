#!/usr/bin/env bash
# Forecast accuracy on the public datasets of ../shared/data against the simple and classical baselines (see
# BENCHMARKS.md, issue 12). Runs the jobs exactly as a user would: per dataset, train.sh on every series without its
# last `horizon` points (giving only the column names and model.horizon), then evaluate.sh on the whole data with
# one origin, so that the forecast window is the held-out tail; prints sMAPE / MASE of the model, naive and
# seasonal naive (computed by evaluate.sh on the same windows) and the classical figures of
# ../shared/data/baselines.R (R's forecast package, run once and cached; the README's figures when R is missing).
# Usage: src/bench/accuracy-bench.sh [--only NAME] [--master M] [--set key=value ...]   (extra keys for every dataset)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="$root/target/bench/accuracy"
mkdir -p "$out"
only=""
bench_options only only "$@"

# name file id time target horizon season [second season]; the README's classical figures (sMAPE/MASE), used when R
# is not installed: naive, seasonal naive, best classical method
datasets=(
  "us_employment_monthly us_employment_monthly.csv series month employees 12 12"
  "weather_daily weather_daily.csv series date value 14 7"
  "flights_daily flights_daily.csv airport day departures 14 7"
  "flights_hourly flights_hourly.csv airport hour departures 48 24 168"
)

# The classical baselines of one dataset as "method smape mase" lines, from R when it can run, cached.
baselines() {
  local name=$1 file=$2 id=$3 target=$4 h=$5 m=$6 m2=${7:-}
  local cache="$out/$name.baselines"
  if [ ! -s "$cache" ] && command -v Rscript >/dev/null && Rscript -e 'library(forecast)' >/dev/null 2>&1; then
    SKIP_ARIMA=$([ -n "$m2" ] && echo 1 || true) Rscript "$data/baselines.R" "$data/$file" "$id" "$target" "$h" "$m" $m2 2>/dev/null \
      | awk 'NR > 1 { print $2, $3, $4 }' > "$cache.tmp" && mv "$cache.tmp" "$cache"
  fi
  [ -s "$cache" ] && cat "$cache"
}

printf '%-22s %-16s %-16s %-16s %-28s %s\n' dataset spark-gru naive "seasonal naive" "best classical (R)" "train s"
for line in "${datasets[@]}"; do
  read -r name file id time target h m m2 <<< "$line"
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  train="$out/$name.train.csv"
  # every series without its last h points (rows of a series are contiguous and in time order)
  /usr/bin/python3 "$root/src/bench/split_tail.py" "$data/$file" "$train" "$id" "$h"
  model="$out/$name.model" report="$out/$name.report"
  start=$(date +%s.%N)
  "$root/jobs/train.sh" --input "$train" --model "$model" --overwrite --master "$master" \
    --set "data.id=$id" --set "data.time=$time" --set "data.target=$target" --set "model.horizon=$h" \
    ${sets[@]+"${sets[@]}"} > "$out/$name.train.log" 2>&1 || { echo "$name: training failed, see $out/$name.train.log"; exit 1; }
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  "$root/jobs/evaluate.sh" --input "$data/$file" --model "$model" --origins 1 --season "$m" --report "$report" \
    --overwrite --master "$master" > "$out/$name.evaluate.log" 2>&1 || { echo "$name: evaluation failed, see $out/$name.evaluate.log"; exit 1; }
  classical="$(baselines "$name" "$file" "$id" "$target" "$h" "$m" "$m2" || true)"
  /usr/bin/python3 - "$report/summary.json" "$name" "$seconds" "$classical" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["overall"]
cell = lambda k: f"{s[k]['sMAPE']:.2f} / {s[k]['MASE']:.3f}"
best = ""
rows = [l.split() for l in sys.argv[4].splitlines() if l.strip()]
classical = [r for r in rows if r[0] not in ("naive", "snaive")]
if classical:
    b = min(classical, key=lambda r: float(r[2]))
    best = f"{b[0]} {float(b[1]):.2f} / {float(b[2]):.3f}"
    sn = [r for r in rows if r[0] == "snaive"][0]
    if float(sn[2]) < float(b[2]):
        best = f"snaive {float(sn[1]):.2f} / {float(sn[2]):.3f}"
print(f"{sys.argv[2]:<22} {cell('model'):<16} {cell('naive'):<16} {cell('seasonal_naive'):<16} {best:<28} {float(sys.argv[3]):.0f}")
PY
done
