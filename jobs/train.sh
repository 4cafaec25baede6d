#!/usr/bin/env bash
# Train a GRU forecaster:
#   jobs/train.sh --input PATH|--table NAME --model DIR [--format csv|parquet|orc|json] [--config FILE]
#                 [--set key=value ...] [--resume] [--overwrite]
# Runs embedded (Spark local[*], from the project's class path). Exit status: 0 done, 2 user error, 1 internal error.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
spark_gru_run org.sparkgru.jobs.TrainJob "$@"
