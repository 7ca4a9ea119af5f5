#!/usr/bin/env bash
# Runs one `iamlint check` for the GitHub Action: the log report (annotations by default) on
# stdout, the job summary, the SARIF file and a JSON report for the outputs, in one run. Inputs
# come from the environment only and are split into words, never evaluated by a shell.
set -uo pipefail

json="${RUNNER_TEMP:-/tmp}/iamlint-report.json"
args=(check --fail-on "${INPUT_FAIL_ON:-high}" --format "${INPUT_FORMAT:-github}"
  --format "sarif=${INPUT_SARIF_FILE:-iamlint.sarif}" --format "json=$json")
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi
while IFS= read -r file; do
  if [ -n "$file" ]; then args+=(--var-file "$file"); fi
done <<< "${INPUT_VAR_FILES:-}"
read -r -d '' -a extra <<< "${INPUT_ARGS:-}" || true
read -r -d '' -a paths <<< "${INPUT_PATH:-.}" || true

iamlint "${args[@]}" "${extra[@]}" -- "${paths[@]}"
code=$?

findings=0
if [ -f "$json" ]; then
  findings=$(grep -c '"fingerprint"' "$json" || true)
fi
{
  echo "findings=$findings"
  echo "sarif-file=${INPUT_SARIF_FILE:-iamlint.sarif}"
  echo "exit-code=$code"
} >> "$GITHUB_OUTPUT"
exit "$code"
