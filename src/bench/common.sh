# Sourced by the holdout benchmarks (accuracy-, interval-, static-bench.sh): their paths and shared options.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${SPARK_GRU_DATA:-$root/../shared/data}"
master="local[2]" sets=()

# bench_options NAME VAR ARGS...: --master M, --set key=value (repeatable), and the script's own --NAME VALUE into
# the variable VAR; anything else is refused.
bench_options() {
  local name=$1 var=$2
  shift 2
  while [ $# -gt 0 ]; do
    case "$1" in
      "--$name") printf -v "$var" '%s' "$2"; shift 2 ;;
      --master) master="$2"; shift 2 ;;
      --set) sets+=(--set "$2"); shift 2 ;;
      *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
  done
}
