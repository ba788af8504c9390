#!/usr/bin/env bash
# Runs every performance figure of issue 9 and prints them; BENCHMARKS.md records the
# latest run. One optimised build (the `bench` profile, which is `release`), one
# fixture, then each measurement. Takes a few minutes on a 2-core machine.
#
#   scripts/bench.sh                 # 10,000 conversations x 100 messages
#   CONVERSATIONS=1000 scripts/bench.sh   # a quicker, smaller run
set -euo pipefail
cd "$(dirname "$0")/.."

CONVERSATIONS=${CONVERSATIONS:-10000}
MESSAGES=${MESSAGES:-100}
RUNS=${RUNS:-9}
OUT=target/release
BIN=$PWD/$OUT/interviewer
WORK=$(mktemp -d "${TMPDIR:-/tmp}/interviewer-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

section() { printf '\n== %s\n' "$*"; }

section "machine"
echo "date:   $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "kernel: $(uname -sr)"
echo "rustc:  $(rustc --version)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"

section "build (bench profile = release: strip, thin LTO)"
start=$(date +%s)
cargo build --quiet --profile bench --bin interviewer --examples
cargo bench --quiet --no-run --bench render 2>/dev/null
echo "build: $(( $(date +%s) - start )) s"

section "release binary"
size=$(stat -c %s "$BIN")
echo "size: $size bytes ($(awk -v s="$size" 'BEGIN {printf "%.1f MB", s/1048576}'))"
file -b "$BIN" | tr ',' '\n' | grep -E 'stripped' | sed 's/^ */symbols: /'

section "fixture: $CONVERSATIONS conversations x $MESSAGES messages"
mkdir -p "$WORK/big/data" "$WORK/empty/data"
/usr/bin/time -f "generated in %e s (peak RSS %M KB)" \
    "$BIN" --data-dir "$WORK/big/data" generate-fixture \
    --conversations "$CONVERSATIONS" --messages "$MESSAGES"
echo "database: $(du -h "$WORK/big/data/interviewer.db" | cut -f1)"

section "streamed reply: ask vs the bare HTTP read"
"$OUT/examples/bench_stream" --bin "$BIN" --tokens 5000 --runs "$RUNS"

section "full-text search"
"$OUT/examples/bench_search" --bin "$BIN" --data-dir "$WORK/big/data" --runs "$RUNS"

section "frame rendering (TestBackend, 10,000-message conversation)"
cargo bench --quiet --bench render 2>/dev/null

section "TUI in a pseudo-terminal: start-up, idle, memory"
"$OUT/examples/bench_tui" --bin "$BIN" --empty "$WORK/empty/data" --big "$WORK/big/data" --runs "$RUNS"
