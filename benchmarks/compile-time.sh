#!/usr/bin/env bash
# Clean debug build time: es-client (library + dependencies) with default features (the whole
# API, typed answers, async) and with one namespace only (`ns-indices`), now and at an earlier
# commit, against a one-line program using the official `elasticsearch` crate 9.1.0-alpha.1
# with rustls. Same machine, same run, alternating, fresh target dirs.
# Usage: benchmarks/compile-time.sh [rounds] [before-commit]   (dependencies fetched first)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-2}"
BEFORE="${2:-}"
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/before" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/official/src"
cat > "$WORK/official/Cargo.toml" <<'TOML'
[package]
name = "official-one-liner"
version = "0.1.0"
edition = "2021"

[dependencies]
elasticsearch = { version = "=9.1.0-alpha.1", default-features = false, features = ["rustls-tls"] }
TOML
echo 'fn main() { let _ = elasticsearch::Elasticsearch::default(); }' > "$WORK/official/src/main.rs"
(cd "$WORK/official" && cargo fetch -q)
cargo fetch -q
if [ -n "$BEFORE" ]; then
  git worktree add -q --detach "$WORK/before" "$BEFORE"
  (cd "$WORK/before" && cargo fetch -q)
fi
secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
one_ns=(--no-default-features --features ns-indices)
head="| round | official one-liner (s) | es-client default (s) | es-client ns-indices only (s)"
[ -n "$BEFORE" ] && head="$head | before ($BEFORE) default (s) | before ns-indices only (s)"
echo "$head |"
echo "|---|---|---|---|$([ -n "$BEFORE" ] && echo '---|---|')"
for r in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK"/t*
  a=$(cd "$WORK/official" && secs env CARGO_TARGET_DIR="$WORK/t1" cargo build --offline)
  b=$(secs env CARGO_TARGET_DIR="$WORK/t2" cargo build --offline -p es-client)
  c=$(secs env CARGO_TARGET_DIR="$WORK/t3" cargo build --offline -p es-client "${one_ns[@]}")
  line=$(printf '| %s | %.1f | %.1f (%.2fx) | %.1f (%.2fx)' "$r" "$a" "$b" "$(echo "$b / $a" | bc -l)" "$c" "$(echo "$c / $a" | bc -l)")
  if [ -n "$BEFORE" ]; then
    d=$(cd "$WORK/before" && secs env CARGO_TARGET_DIR="$WORK/t4" cargo build --offline -p es-client)
    e=$(cd "$WORK/before" && secs env CARGO_TARGET_DIR="$WORK/t5" cargo build --offline -p es-client "${one_ns[@]}")
    line=$(printf '%s | %.1f | %.1f' "$line" "$d" "$e")
  fi
  echo "$line |"
done
