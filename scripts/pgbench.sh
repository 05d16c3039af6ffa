#!/usr/bin/env bash
# pgbench against Tandem (one node, then three nodes) and against PostgreSQL 15 as the
# baseline, all on this machine in one run; prints tps per workload and Tandem's ratio to
# PostgreSQL. Figures and their history: docs/benchmarks.md.
#
#   ./scripts/pgbench.sh                          # scale 10, 8 clients, 30 s per run
#   SCALE=1 DURATION=5 ./scripts/pgbench.sh       # a quick look
#   TARGETS="tandem1" ./scripts/pgbench.sh        # only some of: postgres tandem1 tandem3
#
# For every target: `pgbench -i -s SCALE` (client-side generation, COPY) and `pgbench -i -I
# dtGvp` (server-side generate_series), both timed; then TPC-B with 8 clients in the simple,
# extended and prepared protocols, TPC-B with one client, select-only (-S) and -N. After every
# run the balances are checked: pgbench empties pgbench_history before a run, so the accounts
# (and the tellers and branches, unless -N) must have moved by exactly the history's deltas.
# A failed transaction or a wrong balance makes the script exit 1 after printing the table.
#
# PostgreSQL runs from a fresh initdb under /tmp with synchronous_commit=on (the default),
# shared_buffers=512MB and max_wal_size=4GB, on a spare port, and is deleted afterwards. The
# three-node Tandem cluster is driven through its leader. Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

SCALE=${SCALE:-10}
DURATION=${DURATION:-30}
CLIENTS=${CLIENTS:-8}
THREADS=${THREADS:-2}
TARGETS=${TARGETS:-postgres tandem1 tandem3}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}

if [ -z "${TANDEM_BIN:-}" ]; then
    cargo build --locked --release -p tandem
    TANDEM_BIN="$CARGO_TARGET_DIR/release/tandem"
fi
pgbench --version >/dev/null || { echo "pgbench is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

work=$(mktemp -d /tmp/tandem-pgbench.XXXXXX)
chmod 755 "$work"
pids=()
pg_data=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# PostgreSQL refuses to run as root: run its server as the postgres user then.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 20000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

wait_ready() { # http address
    for _ in $(seq 300); do curl -sf "http://$1/ready" >/dev/null && return; sleep 0.1; done
    echo "node at $1 did not become ready" >&2
    exit 1
}

# Starts an N-node Tandem cluster; sets `host`/`port` to its leader's PostgreSQL address.
start_tandem() {
    local n=$1 cluster="" i
    local -a pg peer http
    for i in $(seq "$n"); do
        pg[i]=$(free_port) peer[i]=$(free_port) http[i]=$(free_port)
        cluster+="${cluster:+,}$i=127.0.0.1:${peer[i]}"
    done
    for i in $(seq "$n"); do
        "$TANDEM_BIN" start --node-id "$i" --data-dir "$work/tandem$n/n$i" \
            --pg-listen "127.0.0.1:${pg[i]}" --peer-listen "127.0.0.1:${peer[i]}" \
            --http-listen "127.0.0.1:${http[i]}" --initial-cluster "$cluster" \
            >"$work/tandem$n-n$i.log" 2>&1 &
        pids+=($!)
    done
    for i in $(seq "$n"); do wait_ready "127.0.0.1:${http[i]}"; done
    local leader
    leader=$(curl -sf "http://127.0.0.1:${http[1]}/cluster" | sed 's/},{/\n/g' | grep '"leader":true' |
        grep -o '"pg_addr":"[^"]*"' | cut -d'"' -f4)
    host=${leader%:*} port=${leader##*:}
}

stop_tandem() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}

start_postgres() {
    pg_data="$work/postgres"
    mkdir -p "$pg_data" && chown postgres: "$pg_data" 2>/dev/null || true
    as_postgres "$PG_BIN/initdb" -D "$pg_data" -U postgres --auth=trust >"$work/initdb.log"
    port=$(free_port) host=127.0.0.1
    as_postgres "$PG_BIN/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w start -o \
        "-p $port -k $pg_data -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB -c synchronous_commit=on" \
        >/dev/null
}

stop_postgres() {
    as_postgres "$PG_BIN/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
    rm -rf "$pg_data"
    pg_data=""
}

sql() { psql -X -A -t -F ' ' -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres -c "$1" postgres; }

sums() {
    sql "select (select coalesce(sum(abalance), 0) from pgbench_accounts),
                (select coalesce(sum(tbalance), 0) from pgbench_tellers),
                (select coalesce(sum(bbalance), 0) from pgbench_branches),
                (select coalesce(sum(delta), 0) from pgbench_history)"
}

declare -A result
failed=0

# One pgbench run: records tps as result[target,name] and checks failures and balances.
bench() { # target name updates-tellers(yes/no) pgbench-args...
    local target=$1 name=$2 tellers=$3
    shift 3
    local a0 t0 b0 _ a t b d out tps fails
    read -r a0 t0 b0 _ < <(sums)
    out=$(pgbench -h "$host" -p "$port" -U postgres -T "$DURATION" "$@" postgres 2>&1) || {
        echo "$out" >&2
        failed=1
    }
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
    fails=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
    read -r a t b d < <(sums)
    local expect=$d
    [ "$tellers" = yes ] || expect=0
    if [ "${fails:-x}" != 0 ] || [ $((a - a0)) -ne "$d" ] || [ $((t - t0)) -ne "$expect" ] ||
        [ $((b - b0)) -ne "$expect" ]; then
        echo "$target $name: failed=$fails accounts+$((a - a0)) tellers+$((t - t0)) branches+$((b - b0)) history $d" >&2
        failed=1
    fi
    result[$target,$name]=${tps%.*}
    printf '  %-32s %8s\n' "$name" "${tps%.*}" >&2
}

init() { # target name pgbench-init-args...
    local target=$1 name=$2 start
    shift 2
    start=$(date +%s.%N)
    pgbench -h "$host" -p "$port" -U postgres -i -q "$@" postgres >"$work/init.log" 2>&1 ||
        { cat "$work/init.log" >&2; exit 1; }
    result[$target,$name]=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    printf '  %-32s %8s\n' "$name" "${result[$target,$name]}" >&2
}

run_target() {
    local target=$1
    echo "== $target (scale $SCALE, $DURATION s per run)" >&2
    local many=(-c "$CLIENTS" -j "$THREADS")
    init "$target" "init -i, seconds" -s "$SCALE"
    init "$target" "init -I dtGvp, seconds" -I dtGvp -s "$SCALE"
    bench "$target" "TPC-B simple, tps" yes "${many[@]}" -M simple
    bench "$target" "TPC-B extended, tps" yes "${many[@]}" -M extended
    bench "$target" "TPC-B prepared, tps" yes "${many[@]}" -M prepared
    bench "$target" "TPC-B prepared 1 client, tps" yes -c 1 -j 1 -M prepared
    bench "$target" "select-only -S prepared, tps" no "${many[@]}" -M prepared -S
    bench "$target" "-N prepared, tps" no "${many[@]}" -M prepared -N
}

rows=("init -i, seconds" "init -I dtGvp, seconds" "TPC-B simple, tps" "TPC-B extended, tps"
    "TPC-B prepared, tps" "TPC-B prepared 1 client, tps" "select-only -S prepared, tps" "-N prepared, tps")
for target in $TARGETS; do
    case $target in
        postgres) start_postgres && run_target postgres && stop_postgres ;;
        tandem1) start_tandem 1 && run_target tandem1 && stop_tandem ;;
        tandem3) start_tandem 3 && run_target tandem3 && stop_tandem ;;
        *) echo "unknown target $target" >&2 && exit 2 ;;
    esac
done

ratio() { # tandem-value postgres-value
    if [ -n "$1" ] && [ -n "$2" ]; then awk -v t="$1" -v p="$2" 'BEGIN { if (p > 0) printf "%.2f", t / p }'; fi
}
echo
echo "pgbench, scale $SCALE, $CLIENTS clients / $THREADS threads, $DURATION s per run, $(date -u +%F)"
echo
echo "| workload | PostgreSQL 15 | Tandem, 1 node | ÷ PG | Tandem, 3 nodes | ÷ PG |"
echo "|---|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
    pg=${result[postgres,$r]:-} t1=${result[tandem1,$r]:-} t3=${result[tandem3,$r]:-}
    echo "| $r | $pg | $t1 | $(ratio "$t1" "$pg") | $t3 | $(ratio "$t3" "$pg") |"
done
if [ "$failed" -ne 0 ]; then
    echo "FAILED: a run had failed transactions or unbalanced sums (see above)" >&2
    exit 1
fi
