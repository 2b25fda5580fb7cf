# Shared by keel's scripts (sourced, not run). One place for paths and pins.
# shellcheck shell=bash

KEEL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Everything downloaded or built once (Zig, OpenSSL, Zig's own cache) lives outside the build
# tree so a fresh `cmake --preset` or a new clone reuses it.
KEEL_CACHE_DIR=${KEEL_CACHE_DIR:-${HOME:-/root}/.cache/keel}
export KEEL_CACHE_DIR

keel_zig_version() {
    sed -n 's/^ziglang==\([0-9.]*\).*/\1/p' "$KEEL_ROOT/scripts/requirements-zig.txt"
}

keel_zig_dir() {
    echo "$KEEL_CACHE_DIR/ziglang-$(keel_zig_version)"
}

# The gRPC test servers' Python packages, per contents of their pinned requirements.
keel_grpc_python_dir() {
    echo "$KEEL_CACHE_DIR/python-grpc-$(sha256sum "$KEEL_ROOT/scripts/requirements-grpc.txt" | cut -c1-12)"
}

keel_log() {
    printf '==> %s\n' "$*" >&2
}

keel_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}
