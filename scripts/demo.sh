#!/usr/bin/env bash
# The three-node demo on docker-compose.yml, step by step (docs/docker.md):
#
#   1. start the cluster (docker compose up -d) and wait until every node is ready;
#   2. create a table and insert rows through node 1; read them through node 3;
#   3. show the cluster view (tandem_cluster);
#   4. stop the leader's container and keep inserting through a survivor while a new leader
#      is elected;
#   5. start the container again and watch it catch up;
#   6. check that every row is on every node (count, sum and a digest of the rows).
#
# Needs the image (scripts/docker-image.sh), psql and curl. It leaves the cluster running
# (`docker compose down` stops it). Exits non-zero if any node disagrees. COMPOSE_PROJECT_NAME
# and COMPOSE_FILE choose the compose project as for docker compose itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/docker-lib.sh

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '$ %s\n' "$*"; "$@"; }
show_sql() { printf '%s=> %s\n' "tandem$1" "$2"; }
die() { printf 'demo: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in docker psql curl; do
    command -v "$tool" >/dev/null || die "$tool is needed (psql: apt-get install postgresql-client)"
done
image="${TANDEM_IMAGE:-tandem:local}"
docker image inspect "$image" >/dev/null 2>&1 ||
    die "no image $image: build it first with scripts/docker-image.sh (docs/docker.md)"

table=demo_accounts
first_rows=100 # inserted through node 1
more_rows=50   # inserted through a survivor while the leader is down

step "1. Start the three nodes (the first start forms the cluster; later starts resume it)"
run compose up -d
wait_ports 30 || die "the containers did not start"
for i in 1 2 3; do echo "tandem$i: postgres://${NODE_PG[$i]}  http://${NODE_HTTP[$i]}/cluster"; done
echo "waiting until every node answers GET /ready with 200 ..."
wait_ready 120 1 2 3 || die "the cluster did not become ready"
echo "all three nodes are ready"

step "2. Create a table and insert $first_rows rows through node 1"
q="DROP TABLE IF EXISTS $table"
show_sql 1 "$q" && sql 1 "$q"
q="CREATE TABLE $table (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) NOT NULL)"
show_sql 1 "$q" && sql 1 "$q"
q="INSERT INTO $table SELECT g, 'owner-' || g, g * 10 FROM generate_series(1, $first_rows) g"
show_sql 1 "$q" && sql 1 "$q"

step "   ... and read them through node 3"
q="SELECT count(*) AS rows, sum(balance) AS total FROM $table"
show_sql 3 "$q" && sql_table 3 "$q"
q="SELECT * FROM $table ORDER BY id LIMIT 3"
show_sql 3 "$q" && sql_table 3 "$q"
[ "$(sql 3 "SELECT count(*) FROM $table")" = "$first_rows" ] || die "node 3 does not see the $first_rows rows"

step "3. The cluster as node 1 sees it"
view="SELECT node_id, peer_addr, role, is_leader, reachable, term, commit_index, applied_index, lag FROM tandem_cluster ORDER BY node_id"
show_sql 1 "$view" && sql_table 1 "$view"
leader=$(sql 1 "SELECT node_id FROM tandem_cluster WHERE is_leader")
[[ "$leader" =~ ^[123]$ ]] || die "no leader in the cluster view (got '$leader')"
survivor=1
[ "$leader" != 1 ] || survivor=2
echo "the leader is node $leader (container service tandem$leader)"

step "4. Stop the leader's container and keep writing through node $survivor"
run compose stop "tandem$leader"
stopped_at=${EPOCHREALTIME/./}
# Each row is one statement, retried while the survivors elect a new leader. A commit whose
# answer was lost (SQLSTATE 40003) may have happened, so the insert is idempotent: ON CONFLICT
# DO NOTHING makes a retry of a committed row a no-op rather than an error.
echo "inserting rows $((first_rows + 1))..$((first_rows + more_rows)) one by one through node $survivor:"
retries=0
for id in $(seq $((first_rows + 1)) $((first_rows + more_rows))); do
    q="INSERT INTO $table VALUES ($id, 'owner-$id', $id * 10) ON CONFLICT (id) DO NOTHING"
    deadline=$((SECONDS + 30))
    until err=$(sql "$survivor" "$q" 2>&1 >/dev/null); do
        ((SECONDS < deadline)) || die "row $id: no write succeeded for 30 s: $err"
        retries=$((retries + 1))
        echo "  row $id: ${err//$'\n'/ } (retrying)"
        sleep 0.2
    done
    if [ "$id" = $((first_rows + 1)) ]; then
        echo "  row $id committed $(((${EPOCHREALTIME/./} - stopped_at) / 1000)) ms after the container stopped"
    fi
done
echo "  $more_rows rows committed ($retries retries)"
q="SELECT node_id, role, is_leader, reachable, term, commit_index, applied_index FROM tandem_cluster ORDER BY node_id"
show_sql "$survivor" "$q" && sql_table "$survivor" "$q"

step "5. Start node $leader's container again and watch it catch up"
run compose start "tandem$leader"
deadline=$((SECONDS + 90))
last=""
until is_ready "$leader"; do
    ((SECONDS < deadline)) || die "node $leader did not become ready again"
    now=$(curl -s --max-time 3 "http://${NODE_HTTP[$leader]}/ready" || echo "not answering yet")
    [ "$now" = "$last" ] || echo "  node $leader: ${now%$'\n'}"
    last=$now
    sleep 0.5
done
echo "  node $leader: ready"
q="SELECT node_id, role, is_leader, reachable, term, commit_index, applied_index, lag FROM tandem_cluster ORDER BY node_id"
show_sql "$leader" "$q" && sql_table "$leader" "$q"

# Every replica applies the same entries: once all are idle at the same applied index their
# data checksums (GET /debug/checksum) agree.
echo "waiting until the three replicas have applied the same entries ..."
deadline=$((SECONDS + 60))
while :; do
    sums=$(for i in 1 2 3; do curl -s --max-time 3 "http://${NODE_HTTP[$i]}/debug/checksum"; echo; done)
    [ "$(sort -u <<<"$sums" | wc -l)" = 1 ] && [[ "$sums" == *checksum* ]] && break
    ((SECONDS < deadline)) || die "the replicas did not converge: $sums"
    sleep 0.5
done
for i in 1 2 3; do echo "  tandem$i: $(sed -n "${i}p" <<<"$sums")"; done

step "6. Every row on every node"
expected_rows=$((first_rows + more_rows))
expected_sum=$(sql 1 "SELECT sum(g * 10) FROM generate_series(1, $expected_rows) g")
q="SELECT count(*), sum(balance), md5(string_agg(id || ':' || owner || ':' || balance, ',' ORDER BY id)) FROM $table"
echo "expected: $expected_rows rows, ids 1..$expected_rows, balances summing to $expected_sum"
status=0
reference=""
for i in 1 2 3; do
    got=$(sql "$i" "$q") || die "node $i did not answer"
    IFS='|' read -r count sum digest <<<"$got"
    verdict=ok
    if [ "$count" != "$expected_rows" ] || [ "$(sql "$i" "SELECT $sum = $expected_sum")" != t ]; then
        verdict=MISMATCH
    fi
    [ -n "$reference" ] || reference=$digest
    [ "$digest" = "$reference" ] || verdict=MISMATCH
    printf '  tandem%s: %s rows, sum %s, digest %s  %s\n' "$i" "$count" "$sum" "$digest" "$verdict"
    [ "$verdict" = ok ] || status=1
done
[ "$status" = 0 ] || die "the nodes do not hold the same rows"

step "Done: every node holds all $expected_rows rows"
cat <<EOF
The cluster is still running:
  psql "$(conninfo 1)"
  docker compose down       # stop it; the data stays in the volumes
  docker compose down -v    # stop it and delete the data
EOF
