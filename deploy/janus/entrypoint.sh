#!/bin/sh
# Renders the Janus templates with the environment (secrets, ports, event sink) and runs Janus.
set -eu
: "${JANUS_ADMIN_SECRET:?set JANUS_ADMIN_SECRET}" "${JANUS_API_SECRET:?set JANUS_API_SECRET}" "${JANUS_ROOM_ADMIN_KEY:?set JANUS_ROOM_ADMIN_KEY}" "${JANUS_EVENT_SECRET:?set JANUS_EVENT_SECRET}"
export JANUS_CONFIG_DIR=/tmp/janus
export JANUS_LIB_DIR="${JANUS_LIB_DIR:-/usr/lib/x86_64-linux-gnu/janus}"
export JANUS_WS_PORT="${JANUS_WS_PORT:-8188}" JANUS_ADMIN_WS_PORT="${JANUS_ADMIN_WS_PORT:-7188}"
# The Admin API answers the web and worker containers (add_token per meeting page); compose does not publish its port.
export JANUS_ADMIN_BIND_IP="${JANUS_ADMIN_BIND_IP:-0.0.0.0}"
export JANUS_BIND_IP="${JANUS_BIND_IP:-0.0.0.0}" JANUS_RTP_PORTS="${JANUS_RTP_PORTS:-20000-20999}"
export JANUS_ICE_ENFORCE="${JANUS_ICE_ENFORCE:-eth0}" JANUS_EVENTS_ENABLED="${JANUS_EVENTS_ENABLED:-true}"
export JANUS_EVENT_SINK_URL="${JANUS_EVENT_SINK_URL:-http://web:3000/janus/events}"
# Video through NAT: the public address Janus's candidates carry, and a STUN server when one is set
# (Janus refuses an empty stun_server, so its two lines are written only then).
export JANUS_NAT_1_1_MAPPING="${JANUS_NAT_1_1_MAPPING:-}" JANUS_STUN_LINES=""
if [ -n "${JANUS_STUN_SERVER:-}" ]; then
  JANUS_STUN_LINES="$(printf 'stun_server = "%s"\n\tstun_port = %s' "${JANUS_STUN_SERVER%:*}" "${JANUS_STUN_SERVER##*:}")"
fi
mkdir -p "$JANUS_CONFIG_DIR"
for f in /etc/vardmote/janus-templates/*.jcfg; do
  envsubst < "$f" > "$JANUS_CONFIG_DIR/$(basename "$f")"
done
exec janus -F "$JANUS_CONFIG_DIR" -C "$JANUS_CONFIG_DIR/janus.jcfg" --log-stdout
