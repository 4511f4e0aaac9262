#!/usr/bin/env bash
# Usage: verify_pgexport_unit.sh UNIT_FILE PGEXPORT_BINARY GATEWAY_UNIT_FILE
# `systemd-analyze verify` on ringgate-pgexport.service with ExecStart= pointed at the built
# binary (verify refuses a missing executable), any diagnostic naming the unit failing the
# test as in verify_unit.sh; then the lines the exporter relies on, and the hardening it
# shares with ringgate.service. Exits 77 (skipped) without systemd-analyze.
set -euo pipefail

unit="$1"
binary="$2"
gateway_unit="$3"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIP: systemd-analyze not installed (package systemd); cannot verify $unit"
    exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

sed -e "s#^ExecStart=/usr/bin/ringgate-pgexport #ExecStart=${binary} #" "$unit" \
    >"$work/ringgate-pgexport.service"
grep -q "^ExecStart=${binary} --config /etc/ringgate/ringgate.yaml$" \
    "$work/ringgate-pgexport.service" ||
    { echo "FAIL: expected ExecStart=/usr/bin/ringgate-pgexport --config ... in $unit" >&2; exit 1; }

status=0
output="$(systemd-analyze verify --man=no "$work/ringgate-pgexport.service" 2>&1)" || status=$?
[ -z "$output" ] || printf '%s\n' "$output"
if [ "$status" -ne 0 ] || grep -q "ringgate-pgexport.service" <<<"$output"; then
    echo "FAIL: systemd-analyze verify reported problems in the unit (above)" >&2
    exit 1
fi

failures=0
require() {
    if ! grep -qxF "$1" "$unit"; then
        echo "FAIL: $unit lacks the line: $1" >&2
        failures=$((failures + 1))
    fi
}
require "Type=notify"
require "Restart=always"
require "User=ringgate"
require "After=ringgate.service postgresql.service network-online.target"
# The gateway unit's hardening, line for line, except what only the gateway needs
# (io_uring system calls, CAP_NET_BIND_SERVICE for ports below 1024).
while IFS= read -r line; do
    require "$line"
done < <(sed -n '/^# --- Hardening/,/^\[Install\]/p' "$gateway_unit" |
    grep -E '^[A-Za-z]+=' |
    grep -Ev '^(CapabilityBoundingSet|AmbientCapabilities|SystemCallFilter=@system-service)')
require "CapabilityBoundingSet="
require "SystemCallFilter=@system-service"

if [ "$failures" -ne 0 ]; then
    exit 1
fi
echo "PASS: systemd-analyze verify: no diagnostics for $unit; hardening matches $gateway_unit"
