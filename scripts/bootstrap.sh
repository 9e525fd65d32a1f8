#!/usr/bin/env bash
# Installs what Vårdmöte needs on a fresh machine; a quick no-op on a warm one.
#   npm packages (npm ci), the temporal CLI (built once from the Go module proxy into .tools/,
#   cached under ~/.cache/vardmote), and Debian's janus (and chromium with --browser).
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL_VERSION=v1.5.1
CACHE="${VARDMOTE_CACHE:-$HOME/.cache/vardmote}"
say() { printf '[setup] %s\n' "$*"; }
want_browser=false
for a in "$@"; do [ "$a" = "--browser" ] && want_browser=true; done

# 1. npm packages: reinstall when the lockfile is newer than the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (first run downloads the packages)…"
  # The registry mirror here lags behind some packages' other-platform binaries (e.g. @swc/core-darwin-*),
  # which npm leaves out of the lockfile, and then `npm ci` refuses; `npm install` still honours the lock.
  npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund --no-save
else
  say "npm packages ok"
fi

# 2. The temporal CLI, unless a production Temporal is configured.
if [ -n "${TEMPORAL_ADDRESS:-}" ]; then
  say "temporal: external at $TEMPORAL_ADDRESS"
elif [ -x .tools/temporal ]; then
  say "temporal CLI ok (.tools/temporal)"
elif command -v temporal >/dev/null 2>&1; then
  say "temporal CLI ok ($(command -v temporal))"
else
  mkdir -p .tools "$CACHE/bin"
  if [ ! -x "$CACHE/bin/temporal-$TEMPORAL_VERSION" ]; then
    command -v go >/dev/null || { echo "[setup] no Go toolchain to build the temporal CLI: install Go or set TEMPORAL_ADDRESS" >&2; exit 1; }
    say "building temporal CLI $TEMPORAL_VERSION from the Go module proxy (cold: about 6 min)…"
    export GOMODCACHE="$CACHE/go-mod" GOCACHE="$CACHE/go-build" GOBIN="$CACHE/gobin" GOFLAGS=-mod=mod
    if ! go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"; then
      # The module declares go 1.25.0; the proxy serves that toolchain if the local Go cannot build it.
      say "retrying with GOTOOLCHAIN=go1.25.0"
      GOTOOLCHAIN=go1.25.0 go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"
    fi
    cp "$CACHE/gobin/temporal" "$CACHE/bin/temporal-$TEMPORAL_VERSION"
  fi
  cp "$CACHE/bin/temporal-$TEMPORAL_VERSION" .tools/temporal
  say "temporal CLI ok ($(.tools/temporal --version | head -1))"
fi

# 3. Debian packages: janus (video) and, for browser tests, chromium.
apt_pkgs=()
if [ -z "${JANUS_WS_URL:-}" ] && ! command -v janus >/dev/null 2>&1; then apt_pkgs+=(janus); fi
if $want_browser && [ ! -x /usr/bin/chromium ]; then apt_pkgs+=(chromium); fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
    say "apt-get install ${apt_pkgs[*]}…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
  else
    say "WARNING: ${apt_pkgs[*]} missing and cannot be installed here (needs root on Debian); video will be unavailable"
  fi
fi
say "done"
