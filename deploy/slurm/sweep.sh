#!/usr/bin/env bash
# A jirga sweep cut into N shards on a Slurm cluster: an array job whose
# task I computes shard I of N, and a merge job that runs once every task has
# succeeded (afterok). Run it from a directory on the shared file system:
#
#   deploy/slurm/sweep.sh scenario.yaml            # N=16 by default
#   N=64 DRAWS=100000 MODEL=smp deploy/slurm/sweep.sh scenario.yaml
#
# The merged table lands in result.txt; the shards in shards/. Every task
# must run the same jirga binary (the merge refuses shards of two versions).
# docs/scale.md has the cost model that sizes N.
set -euo pipefail

scenario=${1:?usage: sweep.sh SCENARIO}
N=${N:-16}
DRAWS=${DRAWS:-100000}
MODEL=${MODEL:-smp}
SEED=${SEED:-1}
JIRGA=${JIRGA:-jirga}
mkdir -p shards

array=$(sbatch --parsable --job-name=jirga-sweep --array="0-$((N - 1))" \
	--cpus-per-task=1 --mem=1G --time=24:00:00 --output=shards/slurm-%A_%a.log \
	--wrap="$JIRGA sweep '$scenario' --model=$MODEL --draws=$DRAWS --seed=$SEED --workers=1 \
--shard=\$SLURM_ARRAY_TASK_ID/$N --out=shards/shard-\$SLURM_ARRAY_TASK_ID.json")

sbatch --parsable --job-name=jirga-sweep-merge --dependency="afterok:$array" \
	--cpus-per-task=1 --mem=2G --time=1:00:00 --output=shards/slurm-merge-%j.log \
	--wrap="$JIRGA sweep merge shards/shard-*.json > result.txt"
echo "submitted array $array of $N shards; the merge writes result.txt when they succeed"
