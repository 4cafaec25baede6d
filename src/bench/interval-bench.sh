#!/usr/bin/env bash
# Probabilistic accuracy on public flights_hourly (BENCHMARKS.md, issue 13): trains a quantile model
# (model.quantiles = [0.025, 0.1, 0.5, 0.9, 0.975], lookback 168, horizon 48, defaults otherwise) on every series
# without its last K x 48 hours, then runs one `evaluate.sh --intervals conformal --level 80,95 --origins K` on the
# whole file, which scores side by side: the quantile model, the model's median with conformal intervals, and
# seasonal naive with conformal intervals (WQL, coverage and MSIS of the 80 % and 95 % intervals).
# Usage: src/bench/interval-bench.sh [--origins K] [--master M] [--set key=value ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="$root/target/bench/intervals"
mkdir -p "$out"
origins=7
bench_options origins origins "$@"
h=48
train="$out/flights_hourly.train.csv"
/usr/bin/python3 "$root/src/bench/split_tail.py" "$data/flights_hourly.csv" "$train" airport $((origins * h))
model="$out/model" report="$out/report"
start=$(date +%s.%N)
"$root/jobs/train.sh" --input "$train" --model "$model" --overwrite --master "$master" \
  --set data.id=airport --set data.time=hour --set data.target=departures \
  --set model.lookback=168 --set model.horizon=$h --set "model.quantiles=[0.025, 0.1, 0.5, 0.9, 0.975]" \
  ${sets[@]+"${sets[@]}"} > "$out/train.log" 2>&1 || { echo "training failed, see $out/train.log"; exit 1; }
trained=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
"$root/jobs/evaluate.sh" --input "$data/flights_hourly.csv" --model "$model" --origins "$origins" --season 24 \
  --intervals conformal --level 80,95 --report "$report" --overwrite --master "$master" \
  > "$out/evaluate.log" 2>&1 || { echo "evaluation failed, see $out/evaluate.log"; exit 1; }
evaluated=$(echo "$(date +%s.%N) - $start" | bc)
/usr/bin/python3 - "$report/summary.json" "$trained" "$evaluated" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
p, o = s["probabilistic"], s["overall"]
print(f"train {float(sys.argv[2]):.0f} s, evaluate {float(sys.argv[3]):.0f} s, calibration origins {s.get('calibrationOrigins')}")
print(f"{'method':<26} {'MAE':>8} {'MASE':>6} {'WQL':>7} {'cov 80':>7} {'MSIS 80':>8} {'cov 95':>7} {'MSIS 95':>8}")
point = {"model": "model", "model_conformal": "model", "seasonal_naive_conformal": "seasonal_naive"}
for m, v in p.items():
    i = v["intervals"]
    f = lambda x: "-" if x is None else f"{x:.3f}"
    print(f"{m:<26} {o[point[m]]['MAE']:>8.2f} {o[point[m]]['MASE']:>6.3f} {f(v['WQL']):>7} "
          f"{f(i['80']['coverage']):>7} {f(i['80']['MSIS']):>8} {f(i['95']['coverage']):>7} {f(i['95']['MSIS']):>8}")
PY
