#!/usr/bin/env bash
# Clean debug build time: es-client (library + dependencies, default features: the whole API,
# typed responses, async + blocking) vs a one-line program using the official `elasticsearch`
# crate 9.1.0-alpha.1 with rustls. Same machine, same run, alternating, fresh target dirs.
# Usage: benchmarks/compile-time.sh [rounds]   (dependencies are fetched before timing)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-2}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
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
secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
echo "| round | official one-liner (s) | es-client library (s) |"
echo "|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK/t1" "$WORK/t2"
  a=$(cd "$WORK/official" && secs env CARGO_TARGET_DIR="$WORK/t1" cargo build --offline)
  b=$(secs env CARGO_TARGET_DIR="$WORK/t2" cargo build --offline -p es-client)
  printf '| %s | %.1f | %.1f |\n' "$r" "$a" "$b"
done
