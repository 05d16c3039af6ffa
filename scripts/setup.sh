# Sourced by scripts/start.sh and scripts/test.sh: installs what building and testing need
# (idempotent: nothing is reinstalled when present) and sets up the build environment.

# apt packages: libclang for rocksdb's bindgen step; psql and pgbench for the SQL tests and
# benchmarks. Debian 12 ships pgbench with the server package (postgresql-15), which is also
# the benchmarks' baseline (scripts/pgbench.sh), and /usr/bin/pgbench is a wrapper that exists
# without it: so run the programs rather than look for them.
need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
psql --version >/dev/null 2>&1 || need+=(postgresql-client)
pgbench --version >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
command -v curl >/dev/null 2>&1 || need+=(curl)
# iptables: the Jepsen suite's network partitions (docs/jepsen.md).
command -v iptables >/dev/null 2>&1 || need+=(iptables)
if ((${#need[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if [[ " ${need[*]} " == *" postgresql "* ]]; then
        # No packaged cluster on port 5432: the benchmarks start their own PostgreSQL.
        $sudo mkdir -p /etc/postgresql-common/createcluster.d
        echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/tandem.conf >/dev/null
    fi
    $sudo apt-get install -y -q "${need[@]}" >/dev/null 2>&1 ||
        { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${need[@]}" >/dev/null; }
fi

# Build outside the checkout so that clean clones share one cache.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem-target}"

# Link the prebuilt RocksDB when this machine has it (saves ~30 minutes of C++); otherwise
# librocksdb-sys compiles RocksDB from source.
for cache in "${TANDEM_ROCKSDB_CACHE:-}" ../shared/cache/rocksdb /work/shared/cache/rocksdb; do
    if [ -n "$cache" ] && [ -f "$cache/env.sh" ]; then
        eval "$(bash "$cache/env.sh" Cargo.lock)"
        break
    fi
done
