#!/usr/bin/env bash
# Time to accuracy (issue 14; see BENCHMARKS.md): the wall time until the validation MAE first reaches the best
# value that the synchronous loop (train.localSteps = 1, batch 256) reaches in its 300 iterations, on public
# flights_hourly (lookback 168, horizon 48) with the peer's formulation (per-series standardization, no baseline,
# MSE, Adam, clipping at 1), for each local-steps setting, and the PyTorch peer (../shared/bench/torch_train.py,
# same network, data and batch) on the same cores.
# Usage: src/bench/time-to-accuracy.sh [--master local[2]] [--steps "1 4 8 auto"] [--rounds-windows 300] [--no-peer]
#        [--dataset flights|10m] [--set key=value ...] [--tag NAME] [--report-only]
# (--set: extra configuration for the spark-gru runs, e.g. the DiLoCo setting --set train.innerState=fresh --set
# train.outerLearningRate=0.7 --set train.outerMomentum=0.9; --tag: a suffix of the output folder, to keep runs of
# several settings; --report-only: print the table from the last run's files)
# --dataset 10m: the 10-million-point synthetic set of train-bench.sh (10,000 series x 1,000 hourly points, as CSV
# for both; lookback 48, horizon 12, validating every 25 rounds of H = 1's budget).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
master='local[2]' steps='1 4 8' budget=300 peer=1 report_only=0 dataset=flights tag='' extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --master) master="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --rounds-windows) budget="$2"; shift 2 ;;
    --no-peer) peer=0; shift ;;
    --report-only) report_only=1; shift ;;
    --dataset) dataset="$2"; shift 2 ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    --tag) tag="-$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
formulation=(--set data.scaling=series --set model.baseline=none --set model.loss=mse --set train.checkpointEvery=0)
# shellcheck source=tta-data.sh
source "$root/src/bench/tta-data.sh"
tta_dataset "$dataset"
if [ "$dataset" = 10m ]; then out="$root/target/bench/time-to-accuracy-10m$tag"; else out="$root/target/bench/time-to-accuracy$tag"; fi
mkdir -p "$out"
common=(--set "data.id=${columns[0]}" --set "data.time=${columns[1]}" --set "data.target=${columns[2]}"
        --set "model.lookback=$lookback" --set "model.horizon=$horizon" --set "train.validationEvery=$every"
        "${formulation[@]}" ${extra[@]+"${extra[@]}"})
for h in $steps; do
  [ "$report_only" = 0 ] || break
  # the same budget of training windows for every setting: 300 synchronous iterations = 300 / H rounds (auto, whose
  # H is known only once it runs, gets the rounds of H = 4)
  if [ "$h" = auto ]; then rounds=$(( (budget + 3) / 4 )); else rounds=$(( (budget + h - 1) / h )); fi
  "$root/jobs/train.sh" --input "$data" --model "$out/h$h.model" --overwrite --master "$master" "${common[@]}" \
    --set "train.localSteps=$h" --set "train.iterations=$rounds" > "$out/h$h.log" 2>&1 \
    || { echo "H=$h: training failed, see $out/h$h.log"; exit 1; }
done
if [ "$peer" = 1 ] && [ "$report_only" = 0 ]; then
  threads=$(echo "$master" | tr -dc 0-9); threads=${threads:-1}
  /usr/bin/python3 "$root/../shared/bench/torch_train.py" "$data" "${columns[@]}" --lookback "$lookback" \
    --horizon "$horizon" --iterations "$budget" --validate-every "$every" --threads "$threads" > "$out/torch.log" 2>&1 \
    || { echo "the PyTorch peer failed, see $out/torch.log"; exit 1; }
fi
/usr/bin/python3 - "$out" "$steps" "$peer" <<'PY'
import json, re, statistics, sys
out, steps, peer = sys.argv[1], sys.argv[2].split(), sys.argv[3] == "1"
curves = {}
for h in steps:
    lines = [json.loads(l) for l in open(f"{out}/h{h}.model/metrics.jsonl")]
    used = json.load(open(f"{out}/h{h}.model/model.json"))["metadata"]["training"]["localSteps"]
    v = [(l["elapsedSeconds"], l["valMAE"], l["iteration"] * used) for l in lines if "valMAE" in l]
    heap = statistics.median(l.get("taskHeapBytesPerWindow", 0) for l in lines[5:])
    curves[f"spark-gru H={h}" + (f" ({used})" if h == "auto" else "")] = (v, heap)
if peer:
    v = []
    for line in open(f"{out}/torch.log"):
        m = re.match(r"iteration (\d+) seconds ([\d.]+) windows/s [\d.,]+ valMAE ([\d.]+)", line)
        if m:
            v.append((float(m.group(2)), float(m.group(3)), int(m.group(1))))
    curves["pytorch"] = (v, None)
target = min(m for _, m, _ in curves[f"spark-gru H={steps[0]}"][0])  # steps[0] is a number (1)
print(f"target: validation MAE {target:.4f} (the best of H={steps[0]})")
print(f"{'run':<16} {'best MAE':>9} {'seconds to target':>18} {'steps-equivalent':>17} {'task heap B/window':>19}")
for name, (v, heap) in curves.items():
    hit = next(((s, it) for s, m, it in v if m <= target), None)
    print(f"{name:<16} {min(m for _, m, _ in v):>9.4f} {hit[0] if hit else float('nan'):>18.1f} "
          f"{hit[1] if hit else '-':>17} {heap if heap is not None else '-':>19}")
PY
