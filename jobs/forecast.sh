#!/usr/bin/env bash
# Batch forecasts with a trained model:
#   jobs/forecast.sh --model DIR --input PATH|--table NAME --output DIR [--format csv|parquet|orc|json]
#                    [--output-format parquet|csv] [--as-of TIME] [--set data.key=value ...] [--overwrite]
# Through spark-submit when one is found (Spark options passed to it), embedded otherwise.
# Exit status: 0 done, 2 user error, 1 internal error.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
spark_gru_launch org.sparkgru.jobs.ForecastJob "$@"
