#!/bin/sh
# Renders coturn's configuration from the environment (secret, public address, realm, relay ports) and runs it.
set -eu
if [ -n "${TURN_SECRET_FILE:-}" ]; then TURN_SECRET=$(cat "$TURN_SECRET_FILE"); fi
: "${TURN_SECRET:?set TURN_SECRET or TURN_SECRET_FILE (the web processes sign credentials with the same)}"
: "${PUBLIC_IP:?set PUBLIC_IP: the host public IPv4 address, where browsers reach Janus}"
: "${TURN_REALM:?set TURN_REALM}" "${TURN_MIN_PORT:?}" "${TURN_MAX_PORT:?}"
# Only values that cannot break the file's lines.
case "$PUBLIC_IP" in *[!0-9.]* | '') echo "PUBLIC_IP: an IPv4 address, not '$PUBLIC_IP'" >&2 && exit 1 ;; esac
case "$TURN_REALM" in *[!A-Za-z0-9.-]*) echo "TURN_REALM: a host name, not '$TURN_REALM'" >&2 && exit 1 ;; esac
case "$TURN_SECRET" in *[![:graph:]]*) echo 'TURN_SECRET: printable characters only, no spaces' >&2 && exit 1 ;; esac
export TURN_SECRET PUBLIC_IP TURN_REALM TURN_MIN_PORT TURN_MAX_PORT
dir=/tmp/coturn
mkdir -p "$dir"
umask 077
conf="$dir/turnserver.conf"
envsubst '$TURN_SECRET $PUBLIC_IP $TURN_REALM $TURN_MIN_PORT $TURN_MAX_PORT' \
  < /etc/vardmote/turnserver.conf.template > "$conf"
# turns: on 5349 with the site's certificate (mounted at /etc/coturn/tls); without it TLS stays off
# and browsers use 3478 (UDP, or TCP through firewalls that allow it).
if [ -r /etc/coturn/tls/cert.pem ] && [ -r /etc/coturn/tls/key.pem ]; then
  printf 'cert=/etc/coturn/tls/cert.pem\npkey=/etc/coturn/tls/key.pem\n' >> "$conf"
else
  echo 'coturn: no readable /etc/coturn/tls/cert.pem and key.pem: TURN over TLS (5349) is off' >&2
  echo 'no-tls' >> "$conf"
fi
exec turnserver -c "$conf"
