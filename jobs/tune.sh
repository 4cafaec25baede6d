#!/usr/bin/env bash
# Search hyper-parameters (one training per trial, the best on the validation tail becomes the model):
#   jobs/tune.sh --input PATH|--table NAME --model DIR [--format csv|parquet|orc|json] [--config FILE]
#                [--set key=value ...] [--space FILE] [--grid 'key=[v1, v2]' ...] [--strategy grid|random]
#                [--trials N] [--metric mase|smape|mae|rmse] [--parallel P] [--seed N] [--overwrite]
# With spark-submit found ($SPARK_HOME/bin or PATH) it submits the application jar and passes Spark options
# (--master, --conf, --deploy-mode, ...) to it; otherwise it runs embedded (local[*], or --master) from the
# project's class path. Exit status: 0 done, 2 user error, 1 internal error.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
spark_gru_launch org.sparkgru.jobs.TuneJob "$@"
