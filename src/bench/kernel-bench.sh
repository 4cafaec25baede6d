#!/usr/bin/env bash
# Kernel training throughput against its peers, measured in one session (see BENCHMARKS.md):
#   1. the machine's single-thread sgemm ceiling through OpenBLAS (shared/bench/peak_gemm.py),
#   2. PyTorch's CPU GRU training throughput, one thread (shared/bench/torch_gru.py),
#   3. spark-gru's kernel on the same shapes (TrainingThroughputBenchmark), each backend in its own JVM, with
#      ratios against 1 and 2; then the vector backend on JDK 17 after netlib's VectorBLAS ran in the same JVM,
#      and on JDK 25 when it is installed.
# Usage: src/bench/kernel-bench.sh [BENCH_DIR]   (BENCH_DIR defaults to ../shared/bench beside the checkout)
# Needs Debian's python3-torch python3-numpy python3-threadpoolctl libopenblas0-pthread for the peers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="${1:-$root/../shared/bench}"
out="$root/target/bench"
mkdir -p "$out"
(cd "$root" && mvn -B -q -DskipTests test-compile)
echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(java -version 2>&1 | head -1); $(date -u +%F)"
# the OpenBLAS ceiling with the machine's real kernel (OPENBLAS_CORETYPE may be pinned for old builds)
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$bench/peak_gemm.py" 1 | tee "$out/peak_gemm.txt"
/usr/bin/python3 "$bench/torch_gru.py" 1 | tee "$out/torch_gru.txt"
peak=$(sed -n 's/^gemm float32 .*: \([0-9.]*\) GFLOP.*/\1/p' "$out/peak_gemm.txt")
cp="$root/target/classes:$root/target/test-classes:$(cat "$root/target/test-classpath.txt")"
run() {
  local java="$1"
  shift
  "$java" --add-modules jdk.incubator.vector -Xmx8g -cp "$cp" org.sparkgru.bench.TrainingThroughputBenchmark \
    --torch "$out/torch_gru.txt" --peak "$peak" "$@" 2>/dev/null
}
: > "$out/kernel.txt"
run java --backends vector | tee -a "$out/kernel.txt"
run java --backends javablas | tee -a "$out/kernel.txt"
run java --backends vector --variants reset-after --pollute true | tee -a "$out/kernel.txt"
jdk25=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)
if [ -n "$jdk25" ]; then
  run "$jdk25/bin/java" --backends vector | tee -a "$out/kernel.txt"
  run "$jdk25/bin/java" --backends vector --variants reset-after --pollute true | tee -a "$out/kernel.txt"
fi
