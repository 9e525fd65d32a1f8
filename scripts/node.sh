#!/usr/bin/env bash
# npm's quick scripts (jest, typecheck, lint, format): the project's Node.js without the bootstrap's checks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
node_ok || { node_refusal >&2; exit 1; }
exec "$@"
