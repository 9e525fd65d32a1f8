#!/usr/bin/env bash
# npm start: install what is missing, then run the whole system with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node --import tsx scripts/stack.ts
