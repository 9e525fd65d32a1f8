#!/usr/bin/env bash
# npm test: the same set-up as npm start (Node.js 24 included), then type check, lint and every test on fresh services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --test
source scripts/node-env.sh
echo "[test] node $(node -v)"
echo "[test] typecheck"; npx tsc --noEmit -p tsconfig.json
echo "[test] lint"; npx eslint --max-warnings 0 .
echo "[test] format (prettier, 120 columns; npm run format fixes)"; npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
echo "[test] jest (unit, workflow, replay, api, browser)"
exec node --import tsx scripts/with-services.ts npx jest --runInBand "$@"
