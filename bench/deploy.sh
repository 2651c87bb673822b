#!/usr/bin/env bash
# `b00t k8s deploy-mcp` to Ready vs `kubectl apply --server-side` + `kubectl wait` of the same
# objects, against the fake API server (pods turn Ready 300 ms after they start), median of RUNS.
#   bench/deploy.sh          # RUNS=9
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-9}
T=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release --bin b00t --example fake_apiserver
B00T=$T/release/b00t
tmp=$(mktemp -d)
trap 'kill $fake 2>/dev/null || true; rm -rf "$tmp"' EXIT
$T/release/examples/fake_apiserver --kubeconfig "$tmp/kubeconfig" >"$tmp/url" 2>/dev/null &
fake=$!
for _ in $(seq 100); do [ -s "$tmp/url" ] && break; sleep 0.1; done
$B00T k8s deploy-mcp --server echo --path fixtures/datums --dry-run >"$tmp/echo.yaml"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { date +%s%3N; }
mkns() { printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n' "$1" | kubectl --kubeconfig "$tmp/kubeconfig" apply -f - >/dev/null; }
b=() k=()
for i in $(seq "$RUNS"); do
  ns=b$i; mkns "$ns"
  s=$(ms); $B00T --kubeconfig "$tmp/kubeconfig" -n "$ns" k8s deploy-mcp --server echo --path fixtures/datums >/dev/null 2>&1; b+=($(( $(ms) - s )))
  ns=k$i; mkns "$ns"
  s=$(ms)
  kubectl --kubeconfig "$tmp/kubeconfig" -n "$ns" apply --server-side --field-manager b00t -f "$tmp/echo.yaml" >/dev/null
  kubectl --kubeconfig "$tmp/kubeconfig" -n "$ns" wait --for=condition=Available deployment/echo-mcp --timeout=60s >/dev/null
  k+=($(( $(ms) - s )))
done
printf 'deploy to Ready, median of %s runs (fake API server, pod ready 300 ms after start)\n' "$RUNS"
printf '%-44s %6s ms\n' "b00t k8s deploy-mcp --server echo" "$(printf '%s\n' "${b[@]}" | median)"
printf '%-44s %6s ms\n' "kubectl apply --server-side + kubectl wait" "$(printf '%s\n' "${k[@]}" | median)"
