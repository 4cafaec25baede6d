# Sourced by the time-to-accuracy benchmarks (time-to-accuracy.sh, cluster-time-to-accuracy.sh): the two datasets
# and their settings. tta_dataset NAME sets data, columns (id time target), lookback, horizon and every (rounds of
# H = 1 between validations); 10m generates the 10-million-point set as CSV on first use.
tta_dataset() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  case "$1" in
    10m)
      data="$root/target/bench/10m.csv"
      columns=(series timestamp value) lookback=48 horizon=12 every=25
      if [ ! -f "$data" ]; then
        # shellcheck source=../../jobs/common.sh
        source "$root/jobs/common.sh"
        spark_gru_build
        mkdir -p "$root/target/bench"
        (JAVA_OPTS=-Xmx8g spark_gru_run org.sparkgru.data.SampleGenerator "$data" 10000 1000 1 csv) 2>/dev/null
      fi ;;
    flights)
      data="$root/../shared/data/flights_hourly.csv"
      columns=(airport hour departures) lookback=168 horizon=48 every=10 ;;
    *) echo "unknown dataset $1: choose flights or 10m" >&2; exit 2 ;;
  esac
}
