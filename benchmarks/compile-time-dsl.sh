#!/usr/bin/env bash
# Clean debug build time of es-dsl (library + dependencies) before and after it was built on
# the generated es-types. Same machine, same run, alternating, fresh target dirs.
# Usage: benchmarks/compile-time-dsl.sh BEFORE_COMMIT [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE="$1"
ROUNDS="${2:-2}"
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/before" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
git worktree add -q --detach "$WORK/before" "$BEFORE"
cargo fetch -q
(cd "$WORK/before" && cargo fetch -q)
secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
echo "| round | es-dsl before ($BEFORE) (s) | es-dsl now (s) |"
echo "|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK/t1" "$WORK/t2"
  a=$(cd "$WORK/before" && secs env CARGO_TARGET_DIR="$WORK/t1" cargo build --offline -p es-dsl)
  b=$(secs env CARGO_TARGET_DIR="$WORK/t2" cargo build --offline -p es-dsl)
  printf '| %s | %.1f | %.1f |\n' "$r" "$a" "$b"
done
