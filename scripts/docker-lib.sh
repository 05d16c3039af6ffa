# shellcheck shell=bash
# Sourced by scripts/demo.sh and tests/docker.sh: the compose command, the nodes' published
# addresses, SQL through psql, and waiting for readiness. Nothing here starts anything.

# `docker compose` (Compose v2) when the docker CLI has it, else the standalone
# `docker-compose` (v1). Both read COMPOSE_PROJECT_NAME and COMPOSE_FILE from the environment.
if docker compose version >/dev/null 2>&1; then
    compose() { docker compose "$@"; }
elif command -v docker-compose >/dev/null 2>&1; then
    compose() { docker-compose "$@"; }
else
    compose() {
        echo "neither 'docker compose' nor 'docker-compose' is installed" >&2
        return 127
    }
fi

# The host address a node's container port is published on, as HOST:PORT (compose port
# answers only while the container runs). A port published on every interface is reached
# through 127.0.0.1.
published() { # service container-port
    local addr
    addr=$(compose port "$1" "$2" 2>/dev/null | tail -n 1)
    [ -n "$addr" ] || return 1
    case "$addr" in
        0.0.0.0:* | '[::]:'* | ':::'*) addr="127.0.0.1:${addr##*:}" ;;
    esac
    echo "$addr"
}

# Runs SQL on node N (1..3) and prints the result unaligned, without headers: `sql N "..."`.
# NODE_PG[N] holds the node's published HOST:PORT (see resolve_ports).
declare -A NODE_PG NODE_HTTP
resolve_ports() {
    local i
    for i in 1 2 3; do
        NODE_PG[$i]=$(published "tandem$i" 5432) || return 1
        NODE_HTTP[$i]=$(published "tandem$i" 8432) || return 1
    done
}
conninfo() { echo "host=${NODE_PG[$1]%:*} port=${NODE_PG[$1]##*:} user=postgres dbname=postgres connect_timeout=3"; }
sql() { # node sql...
    local node=$1
    shift
    timeout --foreground 30 psql "$(conninfo "$node")" -X -q -At -v ON_ERROR_STOP=1 -c "$*"
}
# The same, printed as a table for a person to read.
sql_table() { # node sql...
    local node=$1
    shift
    timeout --foreground 30 psql "$(conninfo "$node")" -X -q -v ON_ERROR_STOP=1 -P footer=off -c "$*"
}

# Whether node N's GET /ready answers 200 (a member with a known leader that has applied
# everything it knows to be committed).
is_ready() { curl -sf --max-time 3 "http://${NODE_HTTP[$1]}/ready" >/dev/null 2>&1; }
wait_ready() { # seconds node...
    local deadline=$((SECONDS + $1)) node
    shift
    for node in "$@"; do
        until is_ready "$node"; do
            if ((SECONDS >= deadline)); then
                echo "node $node is not ready: $(curl -s --max-time 3 "http://${NODE_HTTP[$node]}/ready" || echo no answer)" >&2
                return 1
            fi
            sleep 0.5
        done
    done
}

# The published addresses, waiting a little for containers that compose has just started.
wait_ports() { # seconds
    local deadline=$((SECONDS + $1))
    until resolve_ports; do
        ((SECONDS < deadline)) || { echo "the containers' ports are not published" >&2; return 1; }
        sleep 0.5
    done
}
