#!/usr/bin/env bash
# The iamlint benchmark: end to end (load + evaluate + rules + JSON output) on synthetic trees
# of 100, 1,000 and 10,000 files. Prints the best of five runs as files/s and MB/s, and peak
# memory against input size, for those trees and for one ~10 MB root module; `iamlint graph` against `check` on the same trees; then the AWS data timings (catalog, AWS-managed policies,
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
  # A tree made by an older generator is made again.
  stamp=$(sha1sum bench/generate.py | cut -c1-12)
  if [ "$(cat "$dir/.generator" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir"
    python3 bench/generate.py "$n" "$dir" >/dev/null
    echo "$stamp" > "$dir/.generator"
  fi
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
# One root module of ~10 MB (4,000 files): memory is held per root module while it is
# evaluated, so this is where memory / input is highest (target: 10x).
one=target/bench/one-root
stamp=$(sha1sum bench/generate.py | cut -c1-12)
if [ "$(cat "$one/.generator" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$one"
  python3 bench/generate.py 4000 "$one" 4000 >/dev/null
  echo "$stamp" > "$one/.generator"
fi
bytes=$(find "$one" -type f \( -name '*.tf' -o -name '*.tftpl' -o -name '*.tfvars' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
times=(); peaks=()
for _ in 1 2 3; do
  start=$EPOCHREALTIME
  kb=$( { /usr/bin/time -f '%M' "$bin" check "$one" --format json --fail-on never >/dev/null; } 2>&1 | tail -1)
  times+=("$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f", b - a}')"); peaks+=("$kb")
done
t=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
kb=$(printf '%s\n' "${peaks[@]}" | sort -n | sed -n 2p)
awk -v b="$bytes" -v t="$t" -v kb="$kb" 'BEGIN {
  printf "%8s %10.2f %9.3f %10s %9.1f %11.1f %7.1fx   (one root module, median of 3)\n", "1 root", b/1e6, t, "-", b/1e6/t, kb/1024, kb*1024/b
}'
echo
# `iamlint graph` against `check` on the same trees: each principal is asked only about the
# roles whose trust may admit it, roles that fit its statements alike are asked once, and many
# roles reached alike are one set node, so time, memory and output stay linear in the input
# (targets: graph time <= 1.5x check's, peak memory <= 10x the input). Median of three runs.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run_timed() { # prints "seconds peak_kb"
  local start kb
  start=$EPOCHREALTIME
  kb=$( { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1)
  awk -v a="$start" -v b="$EPOCHREALTIME" -v kb="$kb" 'BEGIN {printf "%.4f %d\n", b - a, kb}'
}
printf '%8s %9s %9s %11s %8s %11s %9s\n' files check_s graph_s graph/check peak_MB mem/in out/in
for n in "${sizes[@]}"; do
  dir=target/bench/$n
  bytes=$(find "$dir" -type f \( -name '*.tf' -o -name '*.tftpl' -o -name '*.tfvars' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  checks=(); graphs=(); peaks=()
  for _ in 1 2 3; do
    read -r t _ < <(run_timed "$bin" check "$dir" --format json --fail-on never)
    checks+=("$t")
    read -r t kb < <(run_timed "$bin" graph "$dir" --format json)
    graphs+=("$t"); peaks+=("$kb")
  done
  out=$("$bin" graph "$dir" --format json | wc -c)
  c=$(printf '%s\n' "${checks[@]}" | median)
  g=$(printf '%s\n' "${graphs[@]}" | median)
  kb=$(printf '%s\n' "${peaks[@]}" | median)
  awk -v n="$n" -v c="$c" -v g="$g" -v kb="$kb" -v b="$bytes" -v o="$out" 'BEGIN {
    printf "%8d %9.3f %9.3f %10.2fx %8.1f %8.1fx %8.2fx\n", n, c, g, g/c, kb/1024, kb*1024/b, o/b
  }'
done
echo
# The parse floor: hcl-edit alone reading and parsing the largest tree on all cores, against
# the whole check (target: check at >= 50% of the floor's throughput).
floor_n=${sizes[-1]}
floor=$(cargo run --release --quiet -p iamlint-terraform --example hcl_parse_floor -- "target/bench/$floor_n")
echo "parse floor: $floor"
checks=()
for _ in 1 2 3; do read -r t _ < <(run_timed "$bin" check "target/bench/$floor_n" --format json --fail-on never); checks+=("$t"); done
c=$(printf '%s\n' "${checks[@]}" | median)
echo "$floor" | awk -v c="$c" '{ for (i = 1; i <= NF; i++) if ($i == "MB") mb = $(i-1); if ($(NF-1) ~ /^[0-9.]+$/) f = $(NF-1) }
  END { printf "check: %.1f MB/s, %.0f%% of the parse floor (median of 3)\n\n", mb/c, 100*mb/c/f }'
cargo run --release --quiet -p iamlint-model --example aws_data_bench
