#!/usr/bin/env bash
# The sensor's cost on a realistic load: an HTTP/1.1 server and a closed-loop load generator on
# loopback (`http.c`), with keep-alive connections (many requests each) and short connections
# (one request each), run with no tool, with `b00t obi sensor run --bytes exact`, with
# `--bytes fast`, and with the real OBI agent (Docker, network metrics, TC on lo), side by side.
# Needs root (and Docker plus ../shared/obi/ for the OBI rows; they are skipped otherwise).
#
#   bench/sensor/http.sh                      # 3 rounds × 5 s per scenario
#   ROUNDS=5 SECONDS_PER_RUN=10 CONNS=8 BODY=2048 bench/sensor/http.sh
#   B00T=target/release/b00t bench/sensor/http.sh
#
# Each round runs every (load, tool) pair once, tools in a rotated order, so slow drifts of the
# shared machine spread over all tools. Per pair: requests/s and the workload's CPU per request
# (user+sys of the server and client processes, from getrusage: the eBPF programs run in their
# context, softirq included — this kernel has no IRQ time accounting). "added" is the ratio to
# the no-tool run of the same round, median over rounds, with its min..max. Tool CPU: the
# sensor's or the agent's own process, % of one core. eBPF ns/request: the run time of the tool's
# programs (kernel.bpf_stats_enabled, turned on for the run) per request, and its share of the
# no-tool CPU per request: the kernel-side cost measured directly, free of the scheduling noise
# of a shared machine (it leaves out the tracepoint/hook dispatch itself, a few ns per call).
set -euo pipefail

cd "$(dirname "$0")/../.."
DUR=${SECONDS_PER_RUN:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-8}
BODY=${BODY:-2048}
B00T=${B00T:-target/release/b00t}
OBI_ARCHIVE=${OBI_ARCHIVE:-../shared/obi/ebpf-instrument-main-fdb0bd7.tar.zst}
OBI_IMAGE=otel/ebpf-instrument:main-fdb0bd7
WORK=$(mktemp -d /tmp/b00t-http-bench.XXXXXX)
OBI_NAME=b00t-http-bench-obi-$$
cleanup() {
    docker rm -f "$OBI_NAME" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "bench/sensor/http.sh needs root (sudo)" >&2; exit 5; }
if [ ! -x "$B00T" ]; then
    echo "building $B00T (cargo build --release)…" >&2
    cargo build --release >&2
fi
${CC:-cc} -O2 -o "$WORK/http" bench/sensor/http.c
ulimit -l unlimited 2>/dev/null || true
ulimit -n 65536 2>/dev/null || true
hz=$(getconf CLK_TCK)
proc_cpu() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
kv() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

wait_line() { # file pattern
    for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}

tools=(none exact fast)
obi=no
if command -v docker >/dev/null && docker version >/dev/null 2>&1; then
    if docker image inspect "$OBI_IMAGE" >/dev/null 2>&1 ||
        { [ -f "$OBI_ARCHIVE" ] && zstd -dc "$OBI_ARCHIVE" | docker load >/dev/null; }; then
        obi=yes
        tools+=(obi)
    fi
fi
[ $obi = yes ] || echo "note: Docker or $OBI_ARCHIVE missing: no OBI rows" >&2
OBI_PORT=19400
cat >"$WORK/obi.yml" <<EOF
log_level: warn
network: {source: tc, interfaces: [lo], exclude_interfaces: [], cache_active_timeout: 5s}
prometheus_export: {port: $OBI_PORT, features: [network]}
attributes: {host_id: {override: bench-node}, kubernetes: {enable: false, cluster_name: bench}}
EOF

# eBPF run time of programs, from kernel.bpf_stats_enabled: "id run_time_ns" per program.
prog_times() {
    bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    print(p["id"], p.get("run_time_ns", 0))
' || true
}
# ns_delta BEFORE AFTER IDS: summed run-time growth of the programs in IDS (one id a line).
ns_delta() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
def load(f):
    return dict(tuple(map(int, l.split())) for l in open(f) if l.strip())
a, b = load(sys.argv[1]), load(sys.argv[2])
ids = {int(l) for l in open(sys.argv[3]) if l.strip()}
print(sum(b.get(i, 0) - a.get(i, 0) for i in ids if i in b))
PY
}
prev_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
trap 'sysctl -qw kernel.bpf_stats_enabled="$prev_stats"; cleanup' EXIT

# start_tool TOOL → sets tool_pid (a process whose CPU is the tool's)
start_tool() {
    tool_pid=""
    local err="$WORK/tool.err"
    : >"$err"
    case $1 in
    exact | fast)
        "$B00T" obi sensor run --bytes "$1" --interval 5s >/dev/null 2>"$err" & tool_pid=$!
        wait_line "$err" "watching TCP connections" ;;
    obi)
        docker run -d --name "$OBI_NAME" --cap-drop ALL --cap-add SYS_ADMIN --cap-add NET_RAW \
            --cap-add NET_ADMIN --cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH --pid host \
            --network host --user 0 -v "$WORK/obi.yml:/obi.yml:ro" \
            -e OTEL_EBPF_CONFIG_PATH=/obi.yml -e OTEL_EBPF_HOST_ID=bench-node \
            -e OTEL_EBPF_KUBE_CLUSTER_NAME=bench "$OBI_IMAGE" >/dev/null
        # Ready when its TC programs are attached to lo and /metrics answers.
        for _ in $(seq 1 150); do
            if tc filter show dev lo ingress 2>/dev/null | grep -q bpf &&
                curl -sf "http://127.0.0.1:$OBI_PORT/metrics" >/dev/null; then
                break
            fi
            sleep 0.2
        done
        tool_pid=$(docker inspect -f '{{.State.Pid}}' "$OBI_NAME") ;;
    esac
}

stop_tool() {
    case $1 in
    exact | fast) kill -TERM "$tool_pid"; wait "$tool_pid" || true ;;
    obi) docker rm -f "$OBI_NAME" >/dev/null ;;
    esac
}

# results: lines "load tool round rate us_per_req tool_cpu%"
results="$WORK/results"
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
    n=${#tools[@]}
    for load in keepalive short; do
        for i in $(seq 0 $((n - 1))); do
            tool=${tools[$(((i + round - 1) % n))]}
            prog_times | cut -d' ' -f1 | sort >"$WORK/ids0"
            start_tool "$tool"
            # The tool's programs: those that appeared when it started.
            prog_times | cut -d' ' -f1 | sort | comm -13 "$WORK/ids0" - >"$WORK/ids"
            prog_times >"$WORK/t0"
            c0=0
            [ -n "$tool_pid" ] && c0=$(proc_cpu "$tool_pid")
            res=$("$WORK/http" "$load" "$DUR" "$CONNS" "$BODY")
            prog_times >"$WORK/t1"
            ebpf_ns=$(ns_delta "$WORK/t0" "$WORK/t1" "$WORK/ids")
            tcpu="-"
            if [ -n "$tool_pid" ]; then
                c1=$(proc_cpu "$tool_pid")
                tcpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v d="$DUR" 'BEGIN{printf "%.2f", (b-a)/hz/d*100}')
            fi
            stop_tool "$tool"
            awk -v load="$load" -v tool="$tool" -v round="$round" -v tcpu="$tcpu" -v ebpf="$ebpf_ns" \
                -v n="$(kv requests "$res")" -v rate="$(kv rate "$res")" \
                -v cu="$(kv client_user "$res")" -v cs="$(kv client_sys "$res")" \
                -v su="$(kv server_user "$res")" -v ss="$(kv server_sys "$res")" \
                'BEGIN{printf "%s %s %s %s %.3f %s %.1f\n", load, tool, round, rate, (cu+cs+su+ss)/n*1e6, tcpu, ebpf/n}' \
                >>"$results"
            echo "round $round: $load $tool: $res tool_cpu=$tcpu% ebpf_ns=$ebpf_ns" >&2
        done
    done
done

echo
echo "HTTP/1.1 on loopback, $CONNS connections, ${BODY}-byte bodies, ${DUR}s per run, $ROUNDS rounds (median [min..max])"
printf '%-10s %-6s %22s %24s %24s %9s %24s\n' load tool "requests/s" "CPU µs/request" "added CPU/request" "tool CPU" "eBPF ns/request (share)"
python3 - "$results" <<'EOF'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for load, tool, rnd, rate, us, tcpu, ebpf in rows:
    by.setdefault((load, tool), []).append((int(rnd), float(rate), float(us), tcpu, float(ebpf)))
def span(xs, fmt):
    return f"{fmt(st.median(xs))} [{fmt(min(xs))}..{fmt(max(xs))}]"
for load in ("keepalive", "short"):
    base = {x[0]: x[2] for x in by.get((load, "none"), [])}
    for tool in ("none", "exact", "fast", "obi"):
        v = by.get((load, tool))
        if not v:
            continue
        rates = [x[1] for x in v]
        us = [x[2] for x in v]
        added = [(x[2] / base[x[0]] - 1) * 100 for x in v if x[0] in base]
        t = [float(x[3]) for x in v if x[3] != "-"]
        ebpf = st.median([x[4] for x in v])
        base_us = st.median(base.values()) if base else 0
        share = f" ({ebpf / 1000 / base_us * 100:.2f}%)" if base_us and tool != "none" else ""
        print("%-10s %-6s %22s %24s %24s %9s %24s" % (
            load, tool, span(rates, lambda x: f"{x:.0f}"), span(us, lambda x: f"{x:.2f}"),
            "-" if tool == "none" else span(added, lambda x: f"{x:+.1f}%"),
            "-" if not t else f"{st.median(t):.2f}%",
            "-" if tool == "none" else f"{ebpf:.0f}{share}"))
EOF
echo
echo "kernel: $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
