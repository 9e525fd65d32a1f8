#!/usr/bin/env bash
# npm start: install what is missing, then run the whole system with demo data under the project's Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
source scripts/node-env.sh
exec node --import tsx scripts/stack.ts
