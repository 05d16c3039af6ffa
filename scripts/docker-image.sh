#!/usr/bin/env bash
# Builds the Tandem Docker image (tag tandem:local) that docker-compose.yml runs.
#
#   scripts/docker-image.sh                      # release build of this checkout, then the image
#   scripts/docker-image.sh --binary PATH        # the image around an existing tandem binary
#   scripts/docker-image.sh --dockerfile         # docker build -f docker/Dockerfile (needs internet)
#
# Default (works offline): the Docker engine needs no base image. The script puts the tandem
# binary, the shared libraries it links (as `ldd` lists them, the dynamic loader included), a
# non-root `tandem` user (uid 10001) and an empty /data into a `FROM scratch` image
# (docker/Dockerfile.local). The binary must have been built on a glibc system like the one
# the containers run on: it is this machine's libraries that go into the image.
#
# --dockerfile instead builds docker/Dockerfile: Rust and Debian images pulled from Docker
# Hub, the release binary compiled inside (RocksDB's C++ included: long). Both images have the
# same entrypoint, user, environment, volume, ports and healthcheck (docs/docker.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
say() { printf 'docker-image: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

binary=""
tag="${TANDEM_IMAGE:-tandem:local}"
mode=local
while (($#)); do
    case "$1" in
        --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
        --binary=*) binary="${1#*=}"; shift ;;
        --tag) tag="${2:?--tag needs a name}"; shift 2 ;;
        --tag=*) tag="${1#*=}"; shift ;;
        --dockerfile) mode=dockerfile; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

docker info >/dev/null 2>&1 || die "no Docker engine is reachable (docker info failed)"

if [ "$mode" = dockerfile ]; then
    [ -z "$binary" ] || die "--dockerfile compiles its own binary; --binary does not apply"
    say "building $tag from docker/Dockerfile (pulls rust:1-bookworm and debian:bookworm-slim)"
    exec docker build -f docker/Dockerfile -t "$tag" .
fi

if [ -z "$binary" ]; then
    say "no --binary given: building the release binary (cargo build --locked --release -p tandem)"
    source scripts/setup.sh
    cargo build --locked --release -p tandem
    binary="$CARGO_TARGET_DIR/release/tandem"
fi
[ -x "$binary" ] || die "$binary is not an executable file"
command -v ldd >/dev/null || die "ldd is needed to find the libraries the binary links"

context="$(mktemp -d "${TMPDIR:-/tmp}/tandem-image.XXXXXX")"
trap 'rm -rf "$context"' EXIT
rootfs="$context/rootfs"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc" "$rootfs/tmp" "$context/data"
chmod 1777 "$rootfs/tmp"

# The binary, without its debug sections when strip is at hand (a debug build's are hundreds
# of megabytes; symbols stay, so backtraces still name functions).
say "binary: $binary"
if command -v strip >/dev/null; then
    strip --strip-debug -o "$rootfs/usr/local/bin/tandem" "$binary"
else
    cp "$binary" "$rootfs/usr/local/bin/tandem"
fi
chmod 0755 "$rootfs/usr/local/bin/tandem"

# Every shared library it links, and the dynamic loader, at the path ldd names (the files
# themselves, not symlinks into a tree the image does not have).
libs=$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
[ -n "$libs" ] || die "ldd lists no libraries for $binary (a static binary needs no script)"
if ldd "$binary" | grep -q 'not found'; then
    ldd "$binary" >&2
    die "some libraries of $binary are missing on this machine"
fi
for lib in $libs; do
    say "library: $lib"
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
done

# The user the node runs as, and name resolution from /etc/hosts, then DNS (Docker's embedded
# DNS server resolves the other services' names; glibc 2.34+ has both sources built in).
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
tandem:x:10001:10001:tandem:/data:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
tandem:x:10001:
EOF
echo "hosts: files dns" >"$rootfs/etc/nsswitch.conf"

cp docker/Dockerfile.local "$context/Dockerfile"
say "building $tag FROM scratch (docker/Dockerfile.local; no base image, nothing pulled)"
docker build --quiet -t "$tag" "$context" >/dev/null
say "built $tag: $(docker image inspect --format '{{.Id}} {{.Size}} bytes' "$tag")"
