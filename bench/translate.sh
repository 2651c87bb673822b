#!/usr/bin/env bash
# `b00t k8s translate --from-compose` of a generated 50-service compose file (every mapped
# feature: ports, env with secrets, named volumes, configs, health checks, resources, …).
# Budget (DESIGN.md §8): < 50 ms wall. Uses hyperfine when installed, else a plain loop.
#   bench/translate.sh            # SERVICES=50 RUNS=30
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${SERVICES:-50}
RUNS=${RUNS:-30}
BUDGET_MS=${BUDGET_MS:-50}
cargo build --quiet --release --bin b00t
B00T=$PWD/target/release/b00t
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
  echo "name: bench"
  echo "services:"
  for i in $(seq 1 "$SERVICES"); do
    cat <<YAML
  svc_$i:
    image: registry.example.com/bench/svc-$i:1.$i
    command: ["serve", "--port", "$((8000 + i))", "--name", "svc-$i"]
    ports: ["$((18000 + i)):$((8000 + i))", "$((9000 + i))/udp"]
    environment:
      SERVICE_NAME: svc-$i
      DB_PASSWORD: pw-$i
      LOG_LEVEL: info
    volumes:
      - data_$i:/data
      - ./local:/local
    configs: [shared_config]
    healthcheck:
      test: ["CMD-SHELL", "curl -f http://localhost:$((8000 + i))/health || exit 1"]
      interval: 10s
      start_period: 30s
    deploy:
      replicas: 2
      resources:
        limits: {cpus: "0.5", memory: 512M}
        reservations: {cpus: "0.1", memory: 64M}
    labels:
      com.example.index: "$i"
YAML
    # A chain, not a cycle (compose rejects dependency cycles).
    [ "$i" -gt 1 ] && echo "    depends_on: [svc_$((i - 1))]"
  done
  echo "volumes:"
  for i in $(seq 1 "$SERVICES"); do echo "  data_$i: {}"; done
  echo "configs:"
  echo "  shared_config:"
  echo "    content: \"bench=1\""
} >"$tmp/compose.yaml"

cd "$tmp"
"$B00T" k8s translate --from-compose compose.yaml >"$tmp/out.yaml" 2>"$tmp/warnings" || { cat "$tmp/warnings" >&2; exit 1; }
objects=$(grep -c '^kind: ' "$tmp/out.yaml")
echo "$SERVICES services → $objects objects, $(wc -l <"$tmp/warnings") warnings"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs "$RUNS" --export-json "$tmp/h.json" --style basic \
    "$B00T k8s translate --from-compose compose.yaml" 2>&1 | sed -n '1,6p' >&2 || true
  median_ms=$(python3 -c "import json;print(round(json.load(open('$tmp/h.json'))['results'][0]['median']*1000,1))")
else
  ts=()
  for _ in $(seq "$RUNS"); do
    s=$(date +%s%N); "$B00T" k8s translate --from-compose compose.yaml >/dev/null 2>&1; e=$(date +%s%N)
    ts+=($(( (e - s) / 1000000 )))
  done
  median_ms=$(printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
fi
echo "translate of $SERVICES services: median ${median_ms} ms (budget ${BUDGET_MS} ms)"
python3 -c "import sys; sys.exit(0 if float('$median_ms') < $BUDGET_MS else 1)" || { echo "over budget" >&2; exit 1; }
