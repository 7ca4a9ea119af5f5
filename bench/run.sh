#!/usr/bin/env bash
# The iamlint benchmark: end to end (load + evaluate + rules + JSON output) on synthetic trees
# of 100, 1,000 and 10,000 files. Prints the best of five runs as files/s and MB/s, and peak
# memory against input size; `iamlint graph` on the 1,000-file tree; then the AWS data timings (catalog, AWS-managed policies,
# wildcard expansion and matching, the evaluator) of crates/iamlint-model/examples.
# Usage: bench/run.sh [SIZES...]   (default: 100 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100 1000 10000}")
[ $# -eq 0 ] && sizes=(100 1000 10000)
cargo build --release --quiet
bin=target/release/iamlint
printf '%8s %10s %9s %10s %9s %11s %8s\n' files input_MB best_s files/s MB/s peak_RSS_MB mem/in
for n in "${sizes[@]}"; do
  dir=target/bench/$n
  [ -d "$dir" ] || python3 bench/generate.py "$n" "$dir" >/dev/null
  bytes=$(find "$dir" -type f \( -name '*.tf' -o -name '*.tftpl' -o -name '*.tfvars' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  files=$(find "$dir" -name '*.tf' | wc -l)
  best=""; peak=0
  for _ in 1 2 3 4 5; do
    start=$EPOCHREALTIME
    kb=$( { /usr/bin/time -f '%M' "$bin" check "$dir" --format json --fail-on never >/dev/null; } 2>&1 | tail -1)
    t=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f", b - a}')
    if [ -z "$best" ] || awk "BEGIN {exit !($t < $best)}"; then best=$t; fi
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  awk -v n="$files" -v b="$bytes" -v t="$best" -v kb="$peak" 'BEGIN {
    printf "%8d %10.2f %9.3f %10.0f %9.1f %11.1f %7.1fx\n", n, b/1e6, t, n/t, b/1e6/t, kb/1024, kb*1024/b
  }'
done
echo
# `iamlint graph` asks every principal about every role (may-assume, may-pass): its time grows
# with principals x roles. Best of three on the largest tree of at most 1,000 files.
graph_n=""
for n in "${sizes[@]}"; do [ "$n" -le 1000 ] && graph_n=$n; done
if [ -n "$graph_n" ]; then
  best=""
  for _ in 1 2 3; do
    start=$EPOCHREALTIME
    "$bin" graph "target/bench/$graph_n" --format json > target/bench/graph.json
    t=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f", b - a}')
    if [ -z "$best" ] || awk "BEGIN {exit !($t < $best)}"; then best=$t; fi
  done
  python3 -c "import json,sys; d=json.load(open('target/bench/graph.json')); print(f'graph of {sys.argv[1]} files: {len(d[\"nodes\"])} nodes, {len(d[\"edges\"])} edges in {float(sys.argv[2]):.3f} s')" "$graph_n" "$best"
  echo
fi
cargo run --release --quiet -p iamlint-model --example aws_data_bench
