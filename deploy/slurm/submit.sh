#!/bin/bash
# Queue the grading of one assignment in N shards, and the merge after them:
#
#   cd /shared/course && /path/to/deploy/slurm/submit.sh flask-hub 8
#
# Run it from the course directory (the one holding submitted/), or set COURSE_DIR.
set -euo pipefail

if (( $# != 2 )); then
    echo "usage: $0 ASSIGNMENT SHARDS" >&2
    exit 2
fi
assignment=$1
shards=$2
here=$(cd "$(dirname "$0")" && pwd)
export ASSIGNMENT=$assignment SHARDS=$shards

# --parsable prints "jobid" or "jobid;cluster"; a dependency on the array's id waits
# for every one of its tasks.
array=$(sbatch --parsable --array="1-$shards" --export=ALL "$here/grade-shards.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --export=ALL \
    "$here/merge-shards.sbatch")
echo "grading: job array $array ($shards shards); merge: job ${merge%%;*} after it"
