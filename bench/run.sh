#!/usr/bin/env bash
# The save-to-feedback benchmark (see the README). Takes several minutes: it builds the course
# from an empty target directory more than once. Options: --trials N, --rapid N, --no-cold,
# --only verify,std,sql,axum,compile-error,rapid,memory (some figures), --work DIR (keep the course
# copy and its target directory there, to run again without rebuilding the dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q
cargo build -q --example bench
exec target/debug/examples/bench "$@"
