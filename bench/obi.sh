#!/usr/bin/env bash
# `b00t obi deploy` to Ready vs `kubectl apply --server-side` + `kubectl rollout status` of the
# same objects, and the wall time of `b00t obi status`, against the fake API server (NODES nodes,
# pods ready 50 ms after start, agents serving flow metrics through the pod proxy). Median of RUNS.
#   bench/obi.sh             # RUNS=9 NODES=3
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-9}
NODES=${NODES:-3}
T=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release --bin b00t --example fake_apiserver
B00T=$T/release/b00t
tmp=$(mktemp -d)
trap 'kill $fake 2>/dev/null || true; rm -rf "$tmp"' EXIT
obi=()
for i in $(seq "$RUNS"); do obi+=(--obi-metrics "b$i" --obi-metrics "p$i"); done
$T/release/examples/fake_apiserver --kubeconfig "$tmp/kubeconfig" --nodes "$NODES" "${obi[@]}" >"$tmp/url" 2>/dev/null &
fake=$!
for _ in $(seq 100); do [ -s "$tmp/url" ] && break; sleep 0.1; done
K="--kubeconfig $tmp/kubeconfig"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { date +%s%3N; }
b=() p=() k=() s=()
for i in $(seq "$RUNS"); do
  t=$(ms); $B00T $K -n "b$i" obi deploy --timeout 60s >/dev/null 2>&1; b+=($(( $(ms) - t )))
  t=$(ms); $B00T $K -n "p$i" obi deploy --skip-preflight --timeout 60s >/dev/null 2>&1; p+=($(( $(ms) - t )))
  $B00T $K -n "k$i" obi deploy --dry-run >"$tmp/k$i.yaml" 2>/dev/null
  t=$(ms)
  kubectl $K apply --server-side --field-manager b00t -f "$tmp/k$i.yaml" >/dev/null
  kubectl $K -n "k$i" rollout status daemonset/obi --timeout=60s >/dev/null
  k+=($(( $(ms) - t )))
  t=$(ms); $B00T $K -n "b$i" obi status >/dev/null 2>&1 || true; s+=($(( $(ms) - t )))
done
$B00T $K -n b1 obi status >&2 || true
printf 'OBI deploy to Ready on %s nodes, median of %s runs (fake API server)\n' "$NODES" "$RUNS"
printf '%-52s %6s ms\n' "b00t obi deploy (preflight: ~40 access reviews)" "$(printf '%s\n' "${b[@]}" | median)"
printf '%-52s %6s ms\n' "b00t obi deploy --skip-preflight" "$(printf '%s\n' "${p[@]}" | median)"
printf '%-52s %6s ms\n' "kubectl apply --server-side + rollout status" "$(printf '%s\n' "${k[@]}" | median)"
printf '%-52s %6s ms\n' "b00t obi status (scrapes every agent)" "$(printf '%s\n' "${s[@]}" | median)"
