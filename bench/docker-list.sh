#!/usr/bin/env bash
# `b00t k8s list --runtime docker --json` vs `docker ps --filter label=… --format '{{json .}}'`:
# wall time and peak RSS, median of RUNS runs, with N b00t-managed MCP containers (busybox-static
# image built locally, nothing pulled) on the local engine.
#   bench/docker-list.sh        # N=10 RUNS=15
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10}
RUNS=${RUNS:-15}
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
docker version >/dev/null
cargo build --quiet --release --bin b00t
B00T=$PWD/target/release/b00t
tmp=$(mktemp -d)
server=bench$$
cleanup() {
  docker ps -aq --filter "label=app.kubernetes.io/name=$server" | xargs -r docker rm -f >/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/img/bin" "$tmp/datums"
cp "$(command -v busybox)" "$tmp/img/bin/busybox"
ln -s busybox "$tmp/img/bin/sh"
tar -C "$tmp/img" -c . | docker import - b00t-bench/busybox:1 >/dev/null
cat >"$tmp/datums/$server.mcp.toml" <<TOML
[b00t]
name = "$server"
type = "mcp"
command = "sh"
args = ["-c", "trap 'exit 0' TERM; echo up; exec 3<&0; cat <&3 & wait \$!"]
[b00t.k8s]
image = "b00t-bench/busybox:1"
TOML
$B00T --path "$tmp/datums" k8s deploy-mcp --server "$server" --replicas "$N" --runtime docker \
  --pull never --timeout 60s >/dev/null 2>&1

measure() { # label, command...
  local label=$1; shift
  local times=() rss=()
  "$@" >/dev/null 2>&1 || { echo "$label: command failed: $*" >&2; "$@" >/dev/null; }
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$tmp/t" "$@" >/dev/null 2>/dev/null
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000 ))"); rss+=("$(cat "$tmp/t")")
  done
  local mt mr
  mt=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-44s %8.1f ms %8.1f MB\n' "$label" "$(echo "$mt/1000" | bc -l)" "$(echo "$mr/1024" | bc -l)"
}

sel='app.kubernetes.io/managed-by=b00t'
total=$(docker ps -aq --filter "label=$sel" | wc -l)
echo "docker $(docker version -f '{{.Server.Version}}'), $N containers of the bench server ($total b00t-managed in all), median of $RUNS runs"
printf '%-44s %11s %11s\n' "command" "wall" "peak RSS"
measure "b00t k8s list --runtime docker --json" $B00T k8s list --runtime docker --json
measure "docker ps -a --filter label=… --format json" docker ps -a --filter "label=$sel" --format '{{json .}}'
