#!/usr/bin/env bash
# npm's scripts: install what is missing (scripts/bootstrap.sh), then run the command under the project's Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
bootstrap_args=()
while [ "${1:-}" = --test ]; do bootstrap_args+=("$1"); shift; done
bash scripts/bootstrap.sh "${bootstrap_args[@]}"
source scripts/node-env.sh
exec "$@"
