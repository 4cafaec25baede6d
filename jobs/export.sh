#!/usr/bin/env bash
# Export a spark-gru model to PyTorch:
#   jobs/export.sh --model DIR --format torch --output FILE.safetensors [--overwrite]
# Exit status: 0 done, 2 user error (message on stderr), 1 internal error.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
spark_gru_run org.sparkgru.jobs.ExportJob "$@"
