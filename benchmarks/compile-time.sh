#!/usr/bin/env bash
# Clean debug build time of a one-line program using es-client, with default features (the
# whole API, typed answers, async) and with one namespace only (`ns-indices`), now and at an
# earlier commit, against a one-line program using the official `elasticsearch` crate
# 9.1.0-alpha.1 with rustls. Same machine, same run, one after the other, fresh target dirs.
#
# Every program is built the way cargo builds a crates.io dependency: not incrementally
# (CARGO_INCREMENTAL=0 — cargo builds registry dependencies such as the official crate that way
# anyway; es-client is a path dependency here, which cargo would otherwise build incrementally),
# with the program's own profile (the workspace's `[profile]` settings do not apply).
# es-client's program uses the workspace's Cargo.lock, so both sides build the same versions.
# Usage: benchmarks/compile-time.sh [rounds] [before-commit]   (dependencies fetched first)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-2}"
BEFORE="${2:-}"
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/before" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

# program DIR NAME DEPENDENCY-LINE MAIN [LOCKFILE]
program() {
  mkdir -p "$1/src"
  printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n%s\n' "$2" "$3" > "$1/Cargo.toml"
  echo "fn main() { $4 }" > "$1/src/main.rs"
  if [ -n "${5:-}" ]; then cp "$5" "$1/Cargo.lock"; fi
  (cd "$1" && cargo fetch -q)
}
program "$WORK/official" official-one-liner \
  'elasticsearch = { version = "=9.1.0-alpha.1", default-features = false, features = ["rustls-tls"] }' \
  'let _ = elasticsearch::Elasticsearch::default();'
es_main='let _ = es_client::Client::new("http://localhost:9200");'
# es_programs TAG REPO-DIR: a default-features program and an ns-indices-only program.
es_programs() {
  program "$WORK/$1-default" es-one-liner "es-client = { path = \"$2/crates/client\" }" "$es_main" "$2/Cargo.lock"
  program "$WORK/$1-indices" es-one-liner \
    "es-client = { path = \"$2/crates/client\", default-features = false, features = [\"ns-indices\"] }" \
    "$es_main" "$2/Cargo.lock"
}
es_programs now "$PWD"
if [ -n "$BEFORE" ]; then
  git worktree add -q --detach "$WORK/before" "$BEFORE"
  es_programs before "$WORK/before"
fi
secs() {
  local s; s=$(date +%s.%N)
  (cd "$1" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$WORK/target" cargo build --offline -q >/dev/null 2>&1)
  rm -rf "$WORK/target"
  echo "$(date +%s.%N) - $s" | bc
}
head="| round | official one-liner (s) | es-client default (s) | es-client ns-indices only (s)"
[ -n "$BEFORE" ] && head="$head | before ($BEFORE) default (s) | before ns-indices only (s)"
echo "$head |"
echo "|---|---|---|---|$([ -n "$BEFORE" ] && echo '---|---|')"
for r in $(seq 1 "$ROUNDS"); do
  a=$(secs "$WORK/official")
  b=$(secs "$WORK/now-default")
  c=$(secs "$WORK/now-indices")
  line=$(printf '| %s | %.1f | %.1f (%.2fx) | %.1f (%.2fx)' "$r" "$a" "$b" "$(echo "$b / $a" | bc -l)" "$c" "$(echo "$c / $a" | bc -l)")
  if [ -n "$BEFORE" ]; then
    d=$(secs "$WORK/before-default")
    e=$(secs "$WORK/before-indices")
    line=$(printf '%s | %.1f | %.1f' "$line" "$d" "$e")
  fi
  echo "$line |"
done
