#!/usr/bin/env bash
# Builds Tandem and starts a three-node cluster on this machine, in the foreground (Ctrl-C
# stops it). Data is kept in .tandem-dev/, so running it again resumes the same cluster.
#
#   psql -h 127.0.0.1 -p 5433     # node 1 (5434, 5435: nodes 2 and 3)
#   curl 127.0.0.1:8081/cluster   # the cluster as node 1 sees it
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

cargo build --locked --release -p tandem
bin="$CARGO_TARGET_DIR/release/tandem"
data="${TANDEM_DEV_DATA:-$PWD/.tandem-dev}"
mkdir -p "$data"
cluster="1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003"

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
for i in 1 2 3; do
    "$bin" start --node-id "$i" --data-dir "$data/n$i" \
        --pg-listen "127.0.0.1:543$((i + 2))" --peer-listen "127.0.0.1:700$i" \
        --http-listen "127.0.0.1:808$i" --initial-cluster "$cluster" \
        >>"$data/n$i.log" 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    for _ in $(seq 100); do curl -sf "127.0.0.1:808$i/ready" >/dev/null && break; sleep 0.2; done
done
echo "Tandem: three nodes running (logs in $data/n*.log)"
for i in 1 2 3; do
    echo "  node $i: postgres://127.0.0.1:543$((i + 2))  http://127.0.0.1:808$i/cluster"
done
echo "Ctrl-C stops the cluster."
wait
