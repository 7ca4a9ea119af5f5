#!/usr/bin/env bash
# Runs every fuzz target in turn, SECONDS each per round, ROUNDS times, logging each target to
# $WORK/<target>.log and each run's length to $WORK/rounds.log. Work corpora live in $WORK (not
# in the repository); testdata/ seeds them. Needs cargo-fuzz (`cargo install cargo-fuzz`).
# Usage: fuzz/rounds.sh [SECONDS] [ROUNDS] [TARGETS...]   (default: 900 s, 4 rounds, all)
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-900}
rounds=${2:-4}
shift 2 2>/dev/null || shift $#
targets=("${@:-hcl plan policy_json states tfvars tf_json}")
[ $# -eq 0 ] && targets=(hcl plan policy_json states tfvars tf_json)
WORK=${WORK:-/tmp/fuzzwork}
for round in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    # Empty folders are not kept by git (nor by `git stash -u`): made again before each run.
    mkdir -p "corpus/$t" "$WORK/$t"
    start=$(date +%s)
    cargo fuzz run "$t" "$WORK/$t" "corpus/$t" ../testdata -s none -- \
      -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 \
      >> "$WORK/$t.log" 2>&1
    echo "round $round $t exit $? seconds $(( $(date +%s) - start ))" >> "$WORK/rounds.log"
  done
done
