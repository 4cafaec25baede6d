#!/usr/bin/env bash
# Batch forecasts with a trained model:
#   jobs/forecast.sh --model DIR --input PATH|--table NAME [--format csv|parquet|orc|json]
#                    --output DIR [--output-format parquet|csv] [--overwrite]
#                    | --output-table NAME [--mode overwrite|append]
#                    [--add-column NAME=VALUE ...] [--partition-by COLUMN[,COLUMN]]
#                    [--as-of TIME] [--set data.key=value ...]
# Tables go to Spark's session catalog as configured (spark.sql.catalogImplementation, spark.sql.warehouse.dir);
# embedded runs have only the in-memory one: docs/forecasting-and-evaluation.md#writing-a-table---output-table
# Through spark-submit when one is found (Spark options passed to it), embedded otherwise.
# Exit status: 0 done, 2 user error, 1 internal error.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
spark_gru_launch org.sparkgru.jobs.ForecastJob "$@"
