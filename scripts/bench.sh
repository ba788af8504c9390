#!/usr/bin/env bash
# Runs every performance figure of issues 9 and 18 and prints them; BENCHMARKS.md
# records the latest run. One optimised build (`release`: the binary a user
# builds), one fixture, then each measurement. Takes a few minutes on a 2-core
# machine.
#
#   scripts/bench.sh                 # 10,000 conversations x 100 messages
#   CONVERSATIONS=1000 scripts/bench.sh   # a quicker, smaller run
#   PEER=none scripts/bench.sh       # without the side-by-side peer column
#
# The peer column: when `aichat` is installed (or PEER=/path/to/aichat), it is
# measured in the same run with the same method as interviewer's TUI (first frame,
# stream time, CPU, memory; examples/bench_peer.rs). Install it with
#   cargo install aichat --locked --version 0.30.0
set -euo pipefail
cd "$(dirname "$0")/.."

CONVERSATIONS=${CONVERSATIONS:-10000}
MESSAGES=${MESSAGES:-100}
RUNS=${RUNS:-9}
ROUNDS=${ROUNDS:-5}
PEER=${PEER:-$(command -v aichat || true)}
[ "$PEER" = none ] && PEER=
# Where cargo puts the build (CARGO_TARGET_DIR when set).
OUT=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
BIN=$OUT/interviewer
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
if [ -n "$PEER" ]; then
    echo "peer:   $("$PEER" --version 2>/dev/null | head -1) ($PEER)"
else
    echo "peer:   none (install aichat for the side-by-side column)"
fi

section "build (release: strip, thin LTO)"
start=$(date +%s)
# The binary on its own first, exactly as `cargo build --release` makes it, and
# measured from a copy: built together with the examples, its dependencies get
# the dev-dependencies' features too (cargo unifies them), which makes another
# binary (bigger, with other symbol names, so scripts/link-order.txt misses).
cargo build --quiet --release --bin interviewer
cp "$BIN" "$WORK/interviewer"
BIN=$WORK/interviewer
cargo build --quiet --release --examples
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

section "import: export --all --format json of the fixture, then import into an empty database"
/usr/bin/time -f "export --all: %e s (peak RSS %M KB)" \
    "$BIN" --data-dir "$WORK/big/data" export --all --format json -o "$WORK/all.json"
echo "file: $(du -h "$WORK/all.json" | cut -f1)"
mkdir -p "$WORK/imported/data"
/usr/bin/time -f "import: %e s (peak RSS %M KB, CPU %U s user + %S s system)" \
    "$BIN" --data-dir "$WORK/imported/data" import "$WORK/all.json"
rm -rf "$WORK/imported" "$WORK/all.json"
# Write the gigabyte above out before timing anything else: its writeback would
# otherwise queue in front of every fsync measured below.
sync

section "side by side: the TUI${PEER:+ and $(basename "$PEER")} streaming a reply in a 120x40 pty"
"$OUT/examples/bench_peer" --bin "$BIN" ${PEER:+--peer "$PEER"} --rounds "$ROUNDS"

section "streamed reply: ask vs the bare HTTP read; whole ask vs whole curl, the reply in one write"
"$OUT/examples/bench_stream" --bin "$BIN" --tokens 5000 --runs "$RUNS"

section "full-text search"
"$OUT/examples/bench_search" --bin "$BIN" --data-dir "$WORK/big/data" --runs "$RUNS"

section "frame rendering (TestBackend, 10,000-message conversation)"
cargo bench --quiet --bench render 2>/dev/null

section "TUI in a pseudo-terminal: start-up, idle, memory"
"$OUT/examples/bench_tui" --bin "$BIN" --empty "$WORK/empty/data" --big "$WORK/big/data" --runs "$RUNS"
