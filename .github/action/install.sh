#!/usr/bin/env bash
# Installs iamlint for the GitHub Action: the release asset for this runner, checked against the
# release's SHA256SUMS, else (no release for this ref) a build from the action's own source.
# Inputs come from the environment only: IAMLINT_VERSION, IAMLINT_ACTION_REF, IAMLINT_ACTION_PATH.
set -euo pipefail

version=${IAMLINT_VERSION:-}
if [ "$version" = "path" ]; then
  command -v iamlint >/dev/null || { echo "::error::version 'path': no iamlint on PATH"; exit 1; }
  echo "iamlint from PATH: $(iamlint --version)"
  exit 0
fi
if [ -z "$version" ] && [[ "${IAMLINT_ACTION_REF:-}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  version=$IAMLINT_ACTION_REF
fi

dest="${RUNNER_TEMP:-/tmp}/iamlint"
mkdir -p "$dest/bin"
echo "$dest/bin" >> "$GITHUB_PATH"

target=""
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
esac

if [ -n "$version" ] && [ -n "$target" ]; then
  base="https://github.com/iamlint/iamlint/releases/download/$version"
  asset="iamlint-$version-$target.tar.gz"
  work=$(mktemp -d)
  if curl --fail --silent --show-error --location --proto '=https' -o "$work/$asset" "$base/$asset" \
    && curl --fail --silent --show-error --location --proto '=https' -o "$work/SHA256SUMS" "$base/SHA256SUMS"; then
    # Only the line for this asset, which must be there: a missing line is a failure, not a pass.
    grep -E "  $asset\$" "$work/SHA256SUMS" > "$work/expected" || { echo "::error::$asset is not in SHA256SUMS"; exit 1; }
    (cd "$work" && sha256sum --check --strict expected)
    tar -xzf "$work/$asset" -C "$dest/bin"
    echo "iamlint $version ($target) installed"
    exit 0
  fi
  echo "::warning::no iamlint $version release asset for $target: building from the action's source"
fi

cargo install --locked --quiet --path "$IAMLINT_ACTION_PATH/crates/iamlint" --root "$dest"
