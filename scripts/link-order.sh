#!/usr/bin/env bash
# Regenerates scripts/link-order.txt: the functions `ask` and the TUI run, in the
# order they first run, which build.rs hands to the linker
# (`--symbol-ordering-file`) so that they sit together at the start of `.text`.
#
# Why: the kernel maps a program's code around each page it first touches, so
# code scattered over the 12 MB `.text` made 8.3 MB of it resident after one
# streamed reply, where the functions really run come to 2.6 MB. Grouped, the
# peak memory after a reply (bench_peer) fell from 13.6 to 8.3 MB. See
# BENCHMARKS.md.
#
# The names are the release build's (v0 mangling; a name carries its crate's hash,
# which changes with the dependency's version and the compiler), so rerun this
# after upgrading the compiler or dependencies, or after large changes: names that
# no longer exist are skipped by the linker, and functions missing from the list
# are placed after the listed ones, so a stale list costs memory, never
# correctness.
#
#   scripts/link-order.sh        # needs valgrind, tmux and nm; takes a few minutes
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in valgrind tmux nm; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }
done
OUT=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
WORK=$(mktemp -d "${TMPDIR:-/tmp}/interviewer-link-order.XXXXXX")
SESSION="link-order-$$"
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# The release build with its symbol table kept (the same crate hashes, so the same
# names, as `cargo build --release`), and the mock server of bench_stream.
cargo build --quiet --release --example bench_stream
cargo rustc --quiet --release --bin interviewer -- -C strip=none
BIN="$WORK/interviewer"
cp "$OUT/interviewer" "$BIN"

"$OUT/examples/bench_stream" --serve 600 >"$WORK/url" &
SERVER=$!
for _ in $(seq 50); do [ -s "$WORK/url" ] && break; sleep 0.1; done
# The runs get a home of their own and the mock server (cargo keeps the real home).
mkdir -p "$WORK/home"
RUN=(env -u DBUS_SESSION_BUS_ADDRESS HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/config"
    OPENAI_BASE_URL="$(cat "$WORK/url")" OPENAI_API_KEY=link-order-key)

grind() {
    local name=$1
    shift
    "${RUN[@]}" valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/cg.$name" "$@"
}
# `ask` on a new database, on an existing one, and continuing a conversation.
for run in new existing; do
    grind "ask-$run" "$BIN" --data-dir "$WORK/ask" ask "Ask me a question, at length." >/dev/null 2>&1
done
grind ask-continue "$BIN" --data-dir "$WORK/ask" ask --conversation 1 "My answer." >/dev/null 2>&1

# The TUI in a 120x40 terminal: first frame, one message, the whole reply, quit.
tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "${RUN[*]} valgrind --tool=callgrind --demangle=no --callgrind-out-file=$WORK/cg.tui $BIN --data-dir $WORK/tui 2>$WORK/tui.err"
# The screen without digits: the answer timer in the header ticks every second.
screen() { tmux capture-pane -p -t "$SESSION" 2>/dev/null | tr -d '0-9' || true; }
settle() {
    # Until the screen shows $1 and has not changed for 5 s (valgrind is slow),
    # at most three minutes.
    local last="" now
    for _ in $(seq 180); do
        sleep 1
        now=$(screen)
        if [[ "$now" == *"$1"* && "$now" == "$last" ]]; then
            sleep 4
            [ "$(screen)" = "$now" ] && return
        fi
        last=$now
    done
    echo "error: the TUI never showed \"$1\"; see $WORK/tui.err" >&2
    exit 1
}
settle "New interview"
tmux send-keys -t "$SESSION" "Ask me a question, at length." Enter
# The mock server's reply starts with this; the whole reply is in once it is quiet.
settle "Tell me about a time"
tmux send-keys -t "$SESSION" C-c
# Callgrind writes its file as the process ends.
for _ in $(seq 300); do [ -s "$WORK/cg.tui" ] && break; sleep 0.2; done
[ -s "$WORK/cg.tui" ] || { echo "error: the TUI did not quit; see $WORK/tui.err" >&2; exit 1; }
sleep 2

# Every function the runs entered (in callgrind's order) that the binary defines.
nm --defined-only "$BIN" | awk '$2 ~ /^[tTwW]$/ {print $3}' | sort -u >"$WORK/defined"
cat "$WORK"/cg.ask-new "$WORK"/cg.ask-existing "$WORK"/cg.ask-continue "$WORK"/cg.tui |
    sed -n -E "s/^c?fn=\([0-9]+\) (.*)$/\1/p" | sed -E "s/'[0-9]+$//" |
    awk '!seen[$0]++' |
    awk 'NR == FNR { defined[$0] = 1; next } defined[$0]' "$WORK/defined" - \
        >scripts/link-order.txt
echo "scripts/link-order.txt: $(wc -l <scripts/link-order.txt) functions"
# The ordinary (stripped) release binary again, linked in the new order.
cargo build --quiet --release --bin interviewer
