#!/usr/bin/env bash
# Time to accuracy on a real Spark standalone cluster (issue 14; see BENCHMARKS.md): starts a Master and N Workers
# (one core each, on 127.0.0.1, from the Maven jars, as ClusterTest does), submits jobs/train.sh's TrainJob through
# SparkSubmit on public flights_hourly (lookback 168, horizon 48) or the 10-million-point set (48, 12), with the
# time-to-accuracy bench's formulation and 2 partitions, for each train.localSteps H at the windows of 300
# synchronous iterations, once with 1 worker and once with 2, and prints each run's best validation MAE and the
# seconds to the target (the best MAE of H = 1 with one worker).
# Usage: src/bench/cluster-time-to-accuracy.sh [--steps "1 4"] [--workers "1 2"] [--dataset flights|10m]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
steps='1 4' workers='1 2' dataset=flights
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --dataset) dataset="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=tta-data.sh
source "$root/src/bench/tta-data.sh"
tta_dataset "$dataset"
out="$root/target/bench/cluster-time-to-accuracy-$dataset"
# shellcheck source=../../jobs/common.sh
source "$root/jobs/common.sh"
spark_gru_build
spark_gru_pick_jdk
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rm -rf "$out" && mkdir -p "$out/spark-home/jars"
tr ':' '\n' < "$root/target/runtime-classpath.txt" | while read -r jar; do ln -sf "$jar" "$out/spark-home/jars/"; done
(cd "$root/target/classes" && "${JAVA_HOME:+$JAVA_HOME/bin/}jar" cf "$out/app.jar" .)
export SPARK_HOME="$out/spark-home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
run_java() { "$java" -Xmx700m "${SPARK_GRU_JVM_OPTS[@]}" -cp "$SPARK_HOME/jars/*" "$@"; }
# a daemon in the background: exec, so that $! is the JVM itself and the cleanup below stops it
daemon() { exec "$java" -Xmx700m "${SPARK_GRU_JVM_OPTS[@]}" -cp "$SPARK_HOME/jars/*" "$@"; }
port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
daemons=()
trap 'for p in "${daemons[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
common=(--set "data.id=${columns[0]}" --set "data.time=${columns[1]}" --set "data.target=${columns[2]}"
        --set "model.lookback=$lookback" --set "model.horizon=$horizon" --set data.scaling=series
        --set model.baseline=none --set model.loss=mse --set "train.validationEvery=$every"
        --set train.checkpointEvery=0 --set data.partitions=2)
for n in $workers; do
  mport=$(port)
  daemon org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$mport" --webui-port "$(port)" \
    > "$out/master-$n.log" 2>&1 & daemons+=($!)
  for w in $(seq 1 "$n"); do
    mkdir -p "$out/work-$n-$w"
    daemon org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 1500m \
      --webui-port "$(port)" --work-dir "$out/work-$n-$w" "spark://127.0.0.1:$mport" > "$out/worker-$n-$w.log" 2>&1 &
    daemons+=($!)
  done
  for _ in $(seq 1 120); do
    registered=$(grep -c 'Registering worker' "$out/master-$n.log" 2>/dev/null || true)
    [ "${registered:-0}" -ge "$n" ] && break
    sleep 0.5
  done
  for h in $steps; do
    rounds=$(( (300 + h - 1) / h ))
    run_java org.apache.spark.deploy.SparkSubmit --master "spark://127.0.0.1:$mport" \
      --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false --conf spark.executor.memory=700m \
      --class org.sparkgru.jobs.TrainJob "$out/app.jar" --input "$data" --model "$out/w$n-h$h.model" "${common[@]}" \
      --set "train.localSteps=$h" --set "train.iterations=$rounds" > "$out/w$n-h$h.log" 2>&1 \
      || { echo "workers=$n H=$h failed, see $out/w$n-h$h.log"; exit 1; }
  done
  for p in "${daemons[@]}"; do kill "$p" 2>/dev/null || true; done
  daemons=()
  sleep 2
done
/usr/bin/python3 - "$out" "$steps" "$workers" <<'PY'
import json, statistics, sys
out, steps, workers = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
curves = {}
for n in workers:
    for h in steps:
        lines = [json.loads(l) for l in open(f"{out}/w{n}-h{h}.model/metrics.jsonl")]
        v = [(l["elapsedSeconds"], l["valMAE"], l["iteration"] * int(h)) for l in lines if "valMAE" in l]
        heap = statistics.median(l.get("taskHeapBytesPerWindow", 0) for l in lines[5:])
        share = statistics.median(l.get("computeShare", 0) for l in lines[5:])
        curves[(n, h)] = (v, heap, share)
target = min(m for _, m, _ in curves[(workers[0], steps[0])][0])
print(f"target: validation MAE {target:.4f} (the best of H={steps[0]} on {workers[0]} worker(s))")
print(f"{'workers':>7} {'H':>3} {'best MAE':>9} {'seconds to target':>18} {'windows to it':>14} {'compute share':>14} {'heap B/window':>14}")
for (n, h), (v, heap, share) in curves.items():
    hit = next(((s, it) for s, m, it in v if m <= target), None)
    print(f"{n:>7} {h:>3} {min(m for _, m, _ in v):>9.4f} {hit[0] if hit else float('nan'):>18.1f} "
          f"{hit[1] if hit else '-':>14} {share:>14.2f} {heap:>14}")
PY
