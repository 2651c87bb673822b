#!/usr/bin/env bash
# `b00t k8s list --json` vs `kubectl get pods -l … -o json`: wall time and peak RSS, median of
# RUNS runs, against the fake API server seeded with PODS b00t pods (and, when
# B00T_BENCH_KUBECONFIG is set, against that real cluster too).
#   bench/list.sh            # PODS=200 RUNS=15
set -euo pipefail
cd "$(dirname "$0")/.."
PODS=${PODS:-200}
RUNS=${RUNS:-15}
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
command -v kubectl >/dev/null || { echo "kubectl not found: install it to compare" >&2; exit 1; }
cargo build --quiet --release --bin b00t
cargo build --quiet --release --example fake_apiserver
B00T=target/release/b00t
tmp=$(mktemp -d)
trap 'kill $fake 2>/dev/null || true; rm -rf "$tmp"' EXIT
target/release/examples/fake_apiserver --kubeconfig "$tmp/kubeconfig" --pods "$PODS" >"$tmp/url" 2>"$tmp/fake.log" &
fake=$!
for _ in $(seq 100); do [ -s "$tmp/kubeconfig" ] && [ -s "$tmp/url" ] && break; sleep 0.1; done

measure() { # label, command...
  local label=$1; shift
  local times=() rss=()
  "$@" >/dev/null 2>&1 || { echo "$label: command failed: $*" >&2; "$@" >/dev/null; }
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>/dev/null
    read -r t m <"$tmp/t"
    times+=("$t"); rss+=("$m")
  done
  local mt mr
  mt=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-34s %8.0f ms %8.1f MB\n' "$label" "$(echo "$mt*1000" | bc -l)" "$(echo "$mr/1024" | bc -l)"
}

sel='app.kubernetes.io/managed-by=b00t'
echo "fake API server, $PODS pods, median of $RUNS runs"
printf '%-34s %11s %11s\n' "command" "wall" "peak RSS"
measure "b00t k8s list --json" $B00T --kubeconfig "$tmp/kubeconfig" k8s list --json
measure "kubectl get pods -l … -o json" kubectl --kubeconfig "$tmp/kubeconfig" get pods -l "$sel" -o json
if [ -n "${B00T_BENCH_KUBECONFIG:-}" ]; then
  echo "real cluster ($B00T_BENCH_KUBECONFIG)"
  measure "b00t k8s list --json" $B00T --kubeconfig "$B00T_BENCH_KUBECONFIG" k8s list --json -A
  measure "kubectl get pods -l … -o json" kubectl --kubeconfig "$B00T_BENCH_KUBECONFIG" get pods -A -l "$sel" -o json
fi
