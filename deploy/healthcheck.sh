#!/usr/bin/env bash
# The container image's health check: `botwot-healthcheck [PATH]` asks the local node for PATH
# (default /healthz) over plain HTTP and succeeds only on a 200. It needs nothing but bash, so the
# runtime image carries no HTTP client. The port is BOTWOT_HEALTHCHECK_PORT (default 8080, the
# default of http.listen).
set -euo pipefail

path="${1:-/healthz}"
port="${BOTWOT_HEALTHCHECK_PORT:-8080}"

exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3
exec 3<&-
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "health check of $path: ${status:-no answer}" >&2; exit 1 ;;
esac
