#!/usr/bin/env bash
# The plan benchmark: iamlint on a synthetic `terraform show -json` plan (default 100 MB),
# end to end (read, decode the IAM resources with positions, rules, JSON output), best of three,
# peak memory the worst of three; next to serde_json alone parsing the same file.
# Usage: bench/plan.sh [MEGABYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-100}
file=target/bench/plan-${mb}mb.json
cargo build --release --quiet
cargo build --release --quiet -p iamlint-terraform --example plan_parse_baseline
[ -f "$file" ] || python3 bench/generate_plan.py "$mb" "$file" >/dev/null
bytes=$(stat -c %s "$file")
best=""; peak=0
for _ in 1 2 3; do
  start=$EPOCHREALTIME
  kb=$( { /usr/bin/time -f '%M' target/release/iamlint check "$file" --format json --fail-on never >/dev/null; } 2>&1 | tail -1)
  t=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f", b - a}')
  if [ -z "$best" ] || awk "BEGIN {exit !($t < $best)}"; then best=$t; fi
  [ "$kb" -gt "$peak" ] && peak=$kb
done
awk -v b="$bytes" -v t="$best" -v kb="$peak" 'BEGIN {
  printf "iamlint: %.1f MB plan in %.3f s (%.0f MB/s), peak %.0f MB (%.1fx the file)\n", b/1e6, t, b/1e6/t, kb/1024, kb*1024/b
}'
target/release/examples/plan_parse_baseline "$file"
