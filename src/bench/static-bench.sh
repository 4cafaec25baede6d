#!/usr/bin/env bash
# Static covariates on public weather_daily (BENCHMARKS.md, issue 13): the six series are three measures (temp_max,
# temp_min, wind) of two cities (new_york, seattle); the script adds the columns `city` and `measure` from the
# series id, then trains the default model twice on every series without its last K x 14 days, with
# data.staticFeatures = [city, measure] and without, and backtests both on K origins of 14 days (season 7).
# Usage: src/bench/static-bench.sh [--origins K] [--master M] [--set key=value ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="$root/target/bench/statics"
mkdir -p "$out"
origins=6
bench_options origins origins "$@"
h=14
whole="$out/weather.csv" train="$out/weather.train.csv"
/usr/bin/python3 "$root/src/bench/split_tail.py" "$data/weather_daily.csv" "$train" series $((origins * h)) \
  --whole "$whole" "city='seattle' if sid.startswith('seattle') else 'new_york'" \
  "measure=sid.split('_', 1 + sid.startswith('new'))[-1]"
run() { # name, extra --set ...
  local name="$1"; shift
  local start; start=$(date +%s.%N)
  "$root/jobs/train.sh" --input "$train" --model "$out/$name" --overwrite --master "$master" \
    --set data.time=date --set model.horizon=$h "$@" ${sets[@]+"${sets[@]}"} > "$out/$name.train.log" 2>&1 \
    || { echo "training failed, see $out/$name.train.log"; exit 1; }
  local trained; trained=$(echo "$(date +%s.%N) - $start" | bc)
  "$root/jobs/evaluate.sh" --input "$whole" --model "$out/$name" --origins "$origins" --season 7 \
    --report "$out/$name.report" --overwrite --master "$master" > "$out/$name.evaluate.log" 2>&1 \
    || { echo "evaluation failed, see $out/$name.evaluate.log"; exit 1; }
  /usr/bin/python3 - "$out/$name.report/summary.json" "$name" "$trained" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["overall"]
m, s = o["model"], o["seasonal_naive"]
print(f"{sys.argv[2]:<16} train {float(sys.argv[3]):5.0f} s  MAE {m['MAE']:.3f}  sMAPE {m['sMAPE']:.2f}  MASE {m['MASE']:.3f}"
      f"  (seasonal naive MASE {s['MASE']:.3f}, naive {o['naive']['MASE']:.3f})")
PY
}
run with-statics --set "data.staticFeatures=[city, measure]"
run without
