#!/usr/bin/env bash
# Sensor benchmark: a loopback TCP connection storm with and without `b00t obi sensor run`, and
# with the equivalent bpftrace one-liner. Needs root. Prints a small results table.
#
#   bench/sensor/run.sh                 # 10 s per scenario
#   SECONDS_PER_RUN=20 RATE=12500 bench/sensor/run.sh
#   B00T=target/release/b00t bench/sensor/run.sh
#
# Each connection makes 4 sensor records (open + close on each side), so RATE=12500
# connections/s is 50,000 events/s. "max" runs the storm as fast as one thread can.
# Columns: conn/s achieved; events/s the sensor (or bpftrace) consumed; drops; workload CPU
# (the storm's user+sys, which includes the eBPF programs run in its context); system CPU (all
# cores, busy time from /proc/stat: noisy when other work runs on the machine); tool CPU (% of
# one core); tool RSS at the end of the run and its peak (VmHWM: for b00t, parsing the
# kernel's BTF at start-up), MiB.
set -euo pipefail

cd "$(dirname "$0")/../.."
DUR=${SECONDS_PER_RUN:-10}
RATE=${RATE:-12500}
B00T=${B00T:-target/release/b00t}
WORK=$(mktemp -d /tmp/b00t-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

[ "$(id -u)" = 0 ] || { echo "bench/sensor/run.sh needs root (sudo)" >&2; exit 5; }
if [ ! -x "$B00T" ]; then
    echo "building $B00T (cargo build --release)…" >&2
    cargo build --release >&2
fi
${CC:-cc} -O2 -pthread -o "$WORK/storm" bench/sensor/storm.c
ulimit -l unlimited 2>/dev/null || true

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
proc_cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
kv() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

rows=()
row() { rows+=("$(printf '%-26s %9s %10s %7s %10s %10s %9s %13s' "$@")"); }

wait_line() { # file pattern
    for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}

# run NAME TOOL RATE: TOOL is none | sensor | sensor-json | bpftrace
run() {
    local name=$1 tool=$2 rate=$3 pid=""
    n_run=$((${n_run:-0} + 1))
    local out="$WORK/run$n_run.out" err="$WORK/run$n_run.err"
    case $tool in
    sensor)
        "$B00T" obi sensor run --interval 5s >"$out" 2>"$err" & pid=$!
        wait_line "$err" "watching TCP connections" ;;
    sensor-json)
        "$B00T" obi sensor run -o json --interval 5s >"$out" 2>"$err" & pid=$!
        wait_line "$err" "watching TCP connections" ;;
    bpftrace)
        bpftrace -e 'tracepoint:sock:inet_sock_set_state
            /args->protocol == 6 && (args->newstate == 1 || args->newstate == 7)/
            { printf("%d %s %d %d %d %d %d\n", pid, comm, args->family, args->sport,
                     args->dport, args->oldstate, args->newstate); }' >"$out" 2>"$err" & pid=$!
        wait_line "$out" "Attaching 1 probe" ;;
    esac
    local c0=0 c1=0
    [ -n "$pid" ] && c0=$(proc_cpu "$pid")
    read -r b0 t0 < <(busy)
    local res
    res=$("$WORK/storm" "$DUR" "$rate" 1)
    read -r b1 t1 < <(busy)
    local rss="-" cpu="-" events="-" drops="-"
    if [ -n "$pid" ]; then
        sleep 0.2
        c1=$(proc_cpu "$pid")
        rss=$(awk '/VmRSS/{r=$2} /VmHWM/{h=$2} END{printf "%.1f/%.1f", r/1024, h/1024}' "/proc/$pid/status")
        kill -TERM "$pid"; wait "$pid" || true
        cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v d="$DUR" 'BEGIN{printf "%.2f%%", (b-a)/hz/d*100}')
    fi
    local secs; secs=$(kv seconds "$res")
    case $tool in
    sensor)
        local s; s=$(grep '^# summary:' "$out")
        events=$(awk -v n="$(sed -n 's/.* read \([0-9]*\).*/\1/p' <<<"$s")" -v d="$secs" 'BEGIN{printf "%.0f", n/d}')
        drops=$(sed -n 's/.* dropped \([0-9]*\).*/\1/p' <<<"$s") ;;
    sensor-json)
        local s; s=$(tail -1 "$out")
        events=$(awk -v n="$(sed -n 's/.*"received":\([0-9]*\).*/\1/p' <<<"$s")" -v d="$secs" 'BEGIN{printf "%.0f", n/d}')
        drops=$(sed -n 's/.*"drops":\([0-9]*\).*/\1/p' <<<"$s") ;;
    bpftrace)
        local n; n=$(grep -c '^[0-9]' "$out" || true)
        events=$(awk -v n="$n" -v d="$secs" 'BEGIN{printf "%.0f", n/d}')
        drops=$({ grep -ho 'Lost [0-9]* events' "$out" "$err" || true; } | awk '{s+=$2} END{print s+0}') ;;
    esac
    local wl; wl=$(awk -v u="$(kv cpu_user "$res")" -v s="$(kv cpu_sys "$res")" 'BEGIN{printf "%.2fs", u+s}')
    local sys; sys=$(awk -v a="$b0" -v b="$b1" -v hz="$hz" 'BEGIN{printf "%.2fs", (b-a)/hz}')
    row "$name" "$(kv rate "$res")" "$events" "$drops" "$wl" "$sys" "$cpu" "$rss"
}

row "scenario (${DUR}s each)" "conn/s" "events/s" "drops" "workload" "system" "tool CPU" "RSS/peak MiB"
run "storm @${RATE}/s" none "$RATE"
run "  + b00t sensor" sensor "$RATE"
run "  + b00t sensor -o json" sensor-json "$RATE"
if command -v bpftrace >/dev/null; then
    run "  + bpftrace printf" bpftrace "$RATE"
fi
run "storm max" none 0
run "  + b00t sensor" sensor 0
if command -v bpftrace >/dev/null; then
    run "  + bpftrace printf" bpftrace 0
fi

# Kernel-side cost per program run, from BPF run-time statistics.
prev=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
"$B00T" obi sensor run --interval 5s >/dev/null 2>"$WORK/stats.err" & pid=$!
wait_line "$WORK/stats.err" "watching TCP connections"
"$WORK/storm" 3 "$RATE" 1 >/dev/null
per_run=$(bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name") in ("inet_sock_set_state", "sock_send_length", "sock_recv_length") and p.get("run_cnt"):
        print("%s=%dns" % (p["name"], p["run_time_ns"] / p["run_cnt"]), end=" ")
' || true)
kill -TERM "$pid"; wait "$pid" || true
sysctl -qw kernel.bpf_stats_enabled="$prev"

printf '%s\n' "${rows[@]}"
echo
echo "kernel: $(uname -r), $(nproc) CPUs; eBPF time per program run: ${per_run:-n/a}"
