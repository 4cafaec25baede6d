#!/usr/bin/env bash
# Where the fixed cost of a training iteration goes (issue 14 item 3; see BENCHMARKS.md): the train job on the
# 12-series sample with 2 windows per iteration (so that compute is negligible) on local[2], with Spark's event log,
# and per iteration (medians over 280 iterations after 20 warm-up ones) the parts of its wall time: the driver
# between two jobs (broadcast, optimizer step, metrics line, destroy, job submission), job start to the first task's
# launch (scheduling), the tasks' deserialization, run and result serialization, the result's fetch, and the last
# task's end to the job's end; plus the serialized size of the tasks' closure and of the broadcast weights.
# Usage: src/bench/iteration-breakdown.sh [--master local[2]] [--set key=value ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/target/bench/iteration-breakdown"
master='local[2]' extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --master) master="$2"; shift 2 ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
rm -rf "$out" && mkdir -p "$out/events"
"$root/jobs/train.sh" --input "$root/data-samples/hourly.parquet" --model "$out/model" --master "$master" \
  --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=file://$out/events" \
  --conf spark.eventLog.compress=false --conf spark.eventLog.rolling.enabled=false \
  --set 'data.features=[temperature]' --set train.batchSize=2 --set train.iterations=300 \
  --set train.validationEvery=100000 --set train.checkpointEvery=0 ${extra[@]+"${extra[@]}"} > "$out/train.log" 2>&1
/usr/bin/python3 - "$out" <<'PY'
import glob, json, statistics, sys
out = sys.argv[1]
events = [json.loads(l) for f in glob.glob(f"{out}/events/local-*") for l in open(f)]
jobs, tasks = {}, {}
stage_job = {}
for e in events:
    kind = e["Event"]
    if kind == "SparkListenerJobStart":
        desc = e.get("Properties", {}).get("spark.job.description", "")
        if desc.startswith("spark-gru iteration"):
            jobs[e["Job ID"]] = {"start": e["Submission Time"], "iteration": int(desc.split()[2].split("/")[0])}
            for s in e["Stage IDs"]:
                stage_job[s] = e["Job ID"]
    elif kind == "SparkListenerJobEnd" and e["Job ID"] in jobs:
        jobs[e["Job ID"]]["end"] = e["Completion Time"]
    elif kind == "SparkListenerTaskEnd" and e["Stage ID"] in stage_job:
        i, m = e["Task Info"], e["Task Metrics"]
        tasks.setdefault(stage_job[e["Stage ID"]], []).append({
            "launch": i["Launch Time"], "finish": i["Finish Time"], "getting": i.get("Getting Result Time", 0),
            "deser": m["Executor Deserialize Time"], "run": m["Executor Run Time"],
            "resultSer": m["Result Serialization Time"], "resultSize": m["Result Size"]})
order = sorted(jobs, key=lambda j: jobs[j]["iteration"])[20:]
rows = {k: [] for k in ["wall", "between", "schedule", "deser", "run", "resultSer", "toEnd"]}
sizes = []
prev_end = None
for j in sorted(jobs, key=lambda j: jobs[j]["iteration"]):
    job, ts = jobs[j], tasks.get(j, [])
    if j in order and ts and prev_end is not None:
        rows["between"].append(job["start"] - prev_end)
        rows["wall"].append(job["end"] - prev_end)
        rows["schedule"].append(min(t["launch"] for t in ts) - job["start"])
        rows["deser"].append(statistics.mean(t["deser"] for t in ts))
        rows["run"].append(statistics.mean(t["run"] for t in ts))
        rows["resultSer"].append(statistics.mean(t["resultSer"] for t in ts))
        rows["toEnd"].append(job["end"] - max(t["finish"] for t in ts))
        sizes.append(statistics.mean(t["resultSize"] for t in ts))
    prev_end = job["end"]
names = {"wall": "iteration, end to end", "between": "driver between jobs", "schedule": "job start to first task launch",
         "deser": "task deserialization (mean of the tasks)", "run": "task run (mean of the tasks)",
         "resultSer": "result serialization (mean of the tasks)", "toEnd": "last task's end to the job's end"}
print(f"{len(order)} iterations after 20 warm-up ones; medians in ms")
for k, v in rows.items():
    print(f"  {names[k]:<42} {statistics.median(v):7.2f}")
print(f"  result size per task: {statistics.median(sizes) / 1024:.1f} KiB")
PY
grep -h "serialized" "$out/train.log" || true
