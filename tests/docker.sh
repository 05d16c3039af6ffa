#!/usr/bin/env bash
# End-to-end test of the Docker packaging (docs/docker.md), run by scripts/test.sh:
#
#   tests/docker.sh [--binary PATH]      # default: $CARGO_TARGET_DIR/debug/tandem
#
# 1. builds the image from the binary (scripts/docker-image.sh, offline) under a tag of its own;
# 2. runs scripts/demo.sh on docker-compose.yml: writes through node 1, reads through node 3,
#    the leader's container stopped during writes and started again, every row on every node;
#    and checks the containers: non-root, healthy, ports published on 127.0.0.1 only;
# 3. `down` then `up`: the data is kept;
# 4. node 1 (the initializer) restarted on a wiped volume: refused, the other two carry on
#    with every row, and the operator's fix (remove node 1, add the machine again with --join
#    and a new id) brings the cluster back to three with every row;
# 5. `down -v` then `up`: a fresh cluster.
#
# Everything runs in a compose project of its own (tandem-ci-PID) on free ports of 127.0.0.1,
# within TANDEM_DOCKER_TIMEOUT seconds (default 300); its containers, network, volumes and
# image are removed at the end, whether it passed, failed or timed out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary=""
while (($#)); do
    case "$1" in
        --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
        --binary=*) binary="${1#*=}"; shift ;;
        -h | --help) sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
binary="${binary:-${CARGO_TARGET_DIR:-$HOME/.cache/tandem-target}/debug/tandem}"

# --- outer run: sets up the project, runs the checks under a time limit, always cleans up ---
if [ -z "${TANDEM_DOCKER_TEST_INNER:-}" ]; then
    source scripts/docker-lib.sh
    started=$SECONDS
    export COMPOSE_PROJECT_NAME="tandem-ci-$$"
    export COMPOSE_FILE=docker-compose.yml # not a docker-compose.override.yml a user may have
    export TANDEM_IMAGE="tandem:ci-$$"
    unset TANDEM_PUBLISH_ADDR # the default, 127.0.0.1, is what is tested
    # Six free ports on 127.0.0.1 (held open together, so that they are distinct).
    read -r p1 p2 p3 h1 h2 h3 < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
    export TANDEM1_PG_PORT=$p1 TANDEM2_PG_PORT=$p2 TANDEM3_PG_PORT=$p3
    export TANDEM1_HTTP_PORT=$h1 TANDEM2_HTTP_PORT=$h2 TANDEM3_HTTP_PORT=$h3
    TANDEM_DOCKER_TMP="$(mktemp -d "${TMPDIR:-/tmp}/tandem-docker-test.XXXXXX")"
    export TANDEM_DOCKER_TMP
    budget="${TANDEM_DOCKER_TIMEOUT:-300}"
    echo "docker test: project $COMPOSE_PROJECT_NAME, image $TANDEM_IMAGE, binary $binary, limit ${budget}s"

    # shellcheck disable=SC2317 # (run by the EXIT trap)
    cleanup() {
        local rc=$? label="label=com.docker.compose.project=$COMPOSE_PROJECT_NAME"
        trap - EXIT INT TERM
        if [ "$rc" != 0 ]; then
            echo "docker test: FAILED (exit $rc); the containers' last log lines:" >&2
            compose ps >&2 || true
            for c in $(docker ps -aq --filter "$label"); do
                echo "--- $(docker inspect --format '{{.Name}}' "$c")" >&2
                docker logs --tail 20 "$c" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | cut -c 1-400 >&2 || true
            done
        fi
        echo "docker test: cleaning up project $COMPOSE_PROJECT_NAME"
        compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true
        # Whatever compose did not remove (a container created by hand, a failed down).
        docker ps -aq --filter "$label" | xargs -r docker rm -f -v >/dev/null 2>&1 || true
        docker volume ls -q --filter "$label" | xargs -r docker volume rm -f >/dev/null 2>&1 || true
        docker network ls -q --filter "$label" | xargs -r docker network rm >/dev/null 2>&1 || true
        docker image rm -f "$TANDEM_IMAGE" >/dev/null 2>&1 || true
        rm -rf "$TANDEM_DOCKER_TMP"
        if [ "$rc" = 0 ]; then
            echo "docker test: passed in $((SECONDS - started)) s"
        else
            echo "docker test: FAILED after $((SECONDS - started)) s" >&2
        fi
        exit "$rc"
    }
    trap cleanup EXIT

    # The checks run as a child under `timeout` (which signals the child's whole process group),
    # so that a hang anywhere ends in cleanup; INT and TERM stop the child the same way. Nested
    # timeouts use --foreground to stay in that group.
    TANDEM_DOCKER_TEST_INNER=1 timeout -k 15 "$budget" "$PWD/tests/docker.sh" --binary "$binary" &
    inner=$!
    trap 'kill -TERM "$inner" 2>/dev/null || true' INT TERM
    rc=0
    wait "$inner" || rc=$?
    if kill -0 "$inner" 2>/dev/null; then # a signal interrupted the wait: let it finish stopping
        rc=0
        wait "$inner" || rc=$?
    fi
    [ "$rc" != 124 ] || echo "docker test: timed out after ${budget}s" >&2
    exit "$rc"
fi

# --- inner run: the checks --------------------------------------------------------------------
source scripts/docker-lib.sh
say() { printf '\n### %s\n' "$*"; }
fail() { echo "docker test: FAILED: $*" >&2; exit 1; }
label="label=com.docker.compose.project=$COMPOSE_PROJECT_NAME"
table=demo_accounts

# Polls a condition (a command) for up to N seconds.
eventually() { # seconds description command...
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || fail "$what (waited)"
        sleep 0.5
    done
}
# count|sum|digest of the demo table as node N sees it.
rows_on() { sql "$1" "SELECT count(*), sum(balance), md5(string_agg(id || ':' || owner || ':' || balance, ',' ORDER BY id)) FROM $table"; }
container() { compose ps -q "tandem$1"; }
health() { docker inspect --format '{{.State.Health.Status}}' "$(container "$1")"; }
all_healthy() { [ "$(health 1)" = healthy ] && [ "$(health 2)" = healthy ] && [ "$(health 3)" = healthy ]; }
volumes() { docker volume ls -q --filter "$label" | sort | tr '\n' ' '; }
logged() { # text service...: whether the services' logs contain text
    local text=$1
    shift
    [[ "$(compose logs --no-color "$@" 2>&1)" == *"$text"* ]]
}
insert_rows() { # node first last: one statement per row, retried (idempotent) while a leader is elected
    local node=$1 id deadline err
    for id in $(seq "$2" "$3"); do
        deadline=$((SECONDS + 30))
        until err=$(sql "$node" "INSERT INTO $table VALUES ($id, 'owner-$id', $id * 10) ON CONFLICT (id) DO NOTHING" 2>&1 >/dev/null); do
            ((SECONDS < deadline)) || fail "row $id through node $node: $err"
            sleep 0.2
        done
    done
}
same_rows() { # expected node...: every node holds exactly `expected` (count|sum|digest)
    local expected=$1 node got
    shift
    for node in "$@"; do
        got=$(rows_on "$node") || fail "node $node did not answer"
        [ "$got" = "$expected" ] || fail "node $node holds $got, expected $expected"
        echo "node $node: $got"
    done
}

say "build the image $TANDEM_IMAGE from $binary (offline)"
[ -x "$binary" ] || fail "no binary at $binary (cargo build --locked -p tandem)"
scripts/docker-image.sh --binary "$binary" --tag "$TANDEM_IMAGE"

say "the demo (scripts/demo.sh)"
timeout --foreground 150 scripts/demo.sh || fail "the demo failed"
resolve_ports || fail "ports not published"
rows=$(sql 1 "SELECT count(*) FROM $table")
baseline=$(rows_on 1)
echo "after the demo: $baseline"

say "the containers: non-root, healthy, ports on 127.0.0.1 only"
for i in 1 2 3; do
    [[ "${NODE_PG[$i]}" == 127.0.0.1:* && "${NODE_HTTP[$i]}" == 127.0.0.1:* ]] ||
        fail "node $i is published on ${NODE_PG[$i]} and ${NODE_HTTP[$i]}, not on 127.0.0.1"
    if published "tandem$i" 7432 >/dev/null; then fail "node $i's peer port is published"; fi
    uid=$(docker top "$(container "$i")" -o pid,uid | awk 'NR > 1 { print $2 }')
    [ "$uid" = 10001 ] || fail "node $i runs as uid '$uid', not the tandem user (10001)"
done
eventually 60 "every container to be healthy (tandem health in the image)" all_healthy
echo "three containers: uid 10001, healthy, PostgreSQL and HTTP on 127.0.0.1, peer port unpublished"

say "docker compose down, then up: the data is kept"
compose down
[ "$(volumes)" = "${COMPOSE_PROJECT_NAME}_tandem1-data ${COMPOSE_PROJECT_NAME}_tandem2-data ${COMPOSE_PROJECT_NAME}_tandem3-data " ] ||
    fail "down did not keep exactly the three volumes: $(volumes)"
compose up -d
wait_ports 30 || fail "the containers did not start"
wait_ready 120 1 2 3 || fail "the cluster did not resume"
same_rows "$baseline" 1 2 3

say "node 1 restarted on a wiped volume is refused; nodes 2 and 3 carry on"
compose rm -s -f tandem1
docker volume rm "${COMPOSE_PROJECT_NAME}_tandem1-data"
compose up -d tandem1
# The wiped initializer must not found a second cluster, and the others refuse it because its
# store id changed (docs/adr/0004).
eventually 60 "node 1 to refuse to found a second cluster" \
    logged "refusing to found a second cluster" tandem1
eventually 60 "nodes 2 and 3 to refuse the wiped node 1" \
    logged "its data was replaced" tandem2 tandem3
# Writes go on through the other two, with a leader among them.
insert_rows 2 $((rows + 1)) $((rows + 10))
rows=$((rows + 10))
after_wipe=$(rows_on 2)
[[ "$after_wipe" == "$rows|"* ]] || fail "node 2 holds $after_wipe after 10 more rows"
same_rows "$after_wipe" 2 3
[ "$(sql 2 "SELECT reachable FROM tandem_cluster WHERE node_id = 1")" = f ] ||
    fail "the cluster reaches the wiped node 1 as if it were a member"
# The wiped node is not ready and serves none of the data.
if is_ready 1; then fail "the wiped node 1 reports ready"; fi
if got=$(sql 1 "SELECT count(*) FROM $table" 2>&1); then fail "the wiped node 1 answered a read: $got"; fi
echo "node 1: refused, not ready, no read answered (${got%%$'\n'*}); nodes 2 and 3: $after_wipe"
[ "$(health 1)" != healthy ] || fail "the wiped node's container is healthy"

say "the operator's fix: remove node 1, add the machine again with --join and a new id (4)"
compose exec -T tandem2 tandem remove-node 1 --peer tandem2:7432
compose rm -s -f tandem1
docker volume rm "${COMPOSE_PROJECT_NAME}_tandem1-data"
# What docs/docker.md tells the operator to put in docker-compose.override.yml.
cat >"$TANDEM_DOCKER_TMP/replace-node-1.yml" <<'EOF'
services:
  tandem1:
    command:
      - start
      - --node-id=4
      - --join=tandem2:7432
      - --peer-advertise=tandem1:7432
      - --pg-advertise=tandem1:5432
      - --http-advertise=tandem1:8432
EOF
COMPOSE_FILE="docker-compose.yml:$TANDEM_DOCKER_TMP/replace-node-1.yml" compose up -d tandem1
wait_ready 120 1 || fail "node 4 (in tandem1) did not become ready"
members() { sql 2 "SELECT string_agg(node_id::text || CASE WHEN reachable THEN '' ELSE ' (unreachable)' END, ',' ORDER BY node_id) FROM tandem_cluster"; }
members_are() { [ "$(members)" = "$1" ]; }
eventually 30 "the members to be 2, 3 and 4, all reachable" members_are "2,3,4"
echo "members: $(members)"
same_rows "$after_wipe" 1 2 3
insert_rows 1 $((rows + 1)) $((rows + 5))
rows=$((rows + 5))
final=$(rows_on 1)
[[ "$final" == "$rows|"* ]] || fail "node 1 holds $final after 5 more rows"
same_rows "$final" 1 2 3

say "docker compose down -v, then up: a fresh cluster"
compose down -v
[ -z "$(volumes)" ] || fail "down -v left volumes: $(volumes)"
compose up -d
wait_ports 30 || fail "the containers did not start"
wait_ready 120 1 2 3 || fail "the fresh cluster did not form"
[ "$(sql 3 "SELECT count(*) FROM pg_class WHERE relname = '$table'")" = 0 ] ||
    fail "the fresh cluster still has $table"
[ "$(sql 3 "SELECT string_agg(node_id::text, ',' ORDER BY node_id) FROM tandem_cluster")" = "1,2,3" ] ||
    fail "the fresh cluster's members are not 1, 2, 3"
echo "a fresh cluster of nodes 1, 2, 3 without $table"
