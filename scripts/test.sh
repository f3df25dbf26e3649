#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs the real MCP servers and client that the
# end-to-end tests drive (npm and PyPI, exact versions, into target/e2e), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/e2e-setup.sh
cargo test --workspace --locked "$@"
