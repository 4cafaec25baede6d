#!/usr/bin/env bash
# Backtest a trained model against naive and seasonal-naive forecasts:
#   jobs/evaluate.sh --model DIR --input PATH|--table NAME [--format ...] [--origins K] [--season M]
#                    [--report DIR] [--set data.key=value ...] [--overwrite]
# Through spark-submit when one is found (Spark options passed to it), embedded otherwise.
# Exit status: 0 done, 2 user error, 1 internal error.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
spark_gru_launch org.sparkgru.jobs.EvaluateJob "$@"
