#!/usr/bin/env bash
# Usage: verify_unit.sh UNIT_FILE RINGGATE_BINARY
# Runs `systemd-analyze verify` on the unit exactly as shipped, except that ExecStart= and
# ExecStartPre= point at RINGGATE_BINARY: verify refuses a unit whose executable does not
# exist, and /usr/bin/ringgate exists only once the package is installed. `--root=` is no
# alternative: it needs a whole OS tree (sysinit.target, /bin/kill) under the root.
# systemd 252's verify exits 0 on unknown keys and unparsable values (it only warns), so
# any diagnostic that names the unit fails the test too.
# Exits 77 (skipped) when systemd-analyze is not installed.
set -euo pipefail

unit="$1"
binary="$2"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIP: systemd-analyze not installed (package systemd); cannot verify $unit"
    exit 77
fi
if [ ! -x "$binary" ]; then
    echo "FAIL: $binary is not an executable; build the ringgate target first" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The copy keeps the unit's name: verify derives the unit type and name from it.
sed -e "s#^\(ExecStart\(Pre\)\?=\)/usr/bin/ringgate #\1${binary} #" "$unit" \
    >"$work/ringgate.service"
rewritten="$(grep -c "^ExecStart\(Pre\)\?=${binary} " "$work/ringgate.service" || true)"
if [ "$rewritten" -ne 2 ]; then
    echo "FAIL: expected ExecStartPre= and ExecStart= on /usr/bin/ringgate in $unit" >&2
    exit 1
fi

status=0
output="$(systemd-analyze verify --man=no "$work/ringgate.service" 2>&1)" || status=$?
if [ -n "$output" ]; then
    printf '%s\n' "$output"
fi
if [ "$status" -ne 0 ]; then
    echo "FAIL: systemd-analyze verify exited $status" >&2
    exit 1
fi
if grep -q "ringgate.service" <<<"$output"; then
    echo "FAIL: systemd-analyze verify reported problems in the unit (above)" >&2
    exit 1
fi

# The contract the rest of the system relies on, beyond what verify can know.
require() {
    if ! grep -qx "$1" "$unit"; then
        echo "FAIL: $unit lacks the line: $1" >&2
        exit 1
    fi
}
require "Type=notify"
require "ExecReload=/bin/kill -HUP \$MAINPID"
require "SystemCallFilter=@system-service io_uring_setup io_uring_enter io_uring_register"
require "SystemCallErrorNumber=EPERM"
require "User=ringgate"

# TimeoutStopSec must exceed the default server.shutdown_grace (30s) or systemd kills
# streams mid-drain.
stop_timeout="$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' "$unit")"
if [ -z "$stop_timeout" ] || [ "$stop_timeout" -le 30 ]; then
    echo "FAIL: TimeoutStopSec must be given in seconds and exceed shutdown_grace 30s" >&2
    exit 1
fi

echo "PASS: systemd-analyze verify: no diagnostics for $unit ($(systemd-analyze --version | head -n1))"
