#!/usr/bin/env bash
# Installs what the tests need, builds once, and runs the checks and every fast suite.
# Safe to run twice. TANDEM_LONG=1 also runs the long schedules (soak, Jepsen).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check
step "lint"
cargo clippy --locked --all-targets -- -D warnings
step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps --workspace --quiet
step "tests"
cargo test --locked --workspace
step "benchmark: group commit (short run; figures in docs/benchmarks.md)"
cargo bench --locked -p tandem --bench propose -- --seconds 2
step "benchmark: failover (short run; 20 trials in docs/benchmarks.md)"
cargo bench --locked -p tandem --bench failover -- --trials 3
step "jepsen: short schedule under faults, and the canary (docs/jepsen.md)"
cargo build --locked -p tandem -p tandem-jepsen
"$CARGO_TARGET_DIR/debug/jepsen" ci
step "docker: three-node demo (docker-compose.yml, scripts/demo.sh, a wiped volume; docs/docker.md)"
if docker info >/dev/null 2>&1; then
    tests/docker.sh --binary "$CARGO_TARGET_DIR/debug/tandem"
else
    echo "skipped: no Docker engine is reachable ('docker info' failed), so the containers cannot run"
fi
if [ "${TANDEM_LONG:-}" = 1 ]; then
    step "jepsen: long schedule (every workload under every nemesis)"
    "$CARGO_TARGET_DIR/debug/jepsen" long --minutes "${TANDEM_JEPSEN_MINUTES:-10}"
fi
