#!/usr/bin/env bash
# Usage: check_maintscripts.sh DEPLOY_DEBIAN_DIR
# Runs the package's postinst, prerm and postrm the way dpkg calls them, inside a scratch
# $DPKG_ROOT, with getent, adduser, addgroup, dpkg-statoverride and systemctl replaced by
# stubs that log their arguments. Asserts what each script asks of the system; nothing on
# the host is touched.
set -euo pipefail

scripts="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

stubs="$work/stubs"
log="$work/calls.log"
mkdir -p "$stubs"

# getent answers from $work/accounts ("passwd ringgate" or "group ringgate" lines).
cat >"$stubs/getent" <<'STUB'
#!/usr/bin/env bash
echo "getent $*" >>"$STUB_LOG"
grep -qx "$1 $2" "$STUB_ACCOUNTS" 2>/dev/null
STUB
# adduser/addgroup record the account they create.
cat >"$stubs/adduser" <<'STUB'
#!/usr/bin/env bash
echo "adduser $*" >>"$STUB_LOG"
name="${*: -1}"
echo "passwd $name" >>"$STUB_ACCOUNTS"
case " $* " in *" --group "*) echo "group $name" >>"$STUB_ACCOUNTS" ;; esac
STUB
# dpkg-statoverride keeps its table in $work/overrides.
cat >"$stubs/dpkg-statoverride" <<'STUB'
#!/usr/bin/env bash
echo "dpkg-statoverride $*" >>"$STUB_LOG"
case "$1" in
    --list) grep -q " $2\$" "$STUB_OVERRIDES" 2>/dev/null ;;
    --update) shift; shift; echo "$*" >>"$STUB_OVERRIDES" ;;
    --remove) grep -v " $2\$" "$STUB_OVERRIDES" >"$STUB_OVERRIDES.new" || true
              mv "$STUB_OVERRIDES.new" "$STUB_OVERRIDES" ;;
esac
STUB
cat >"$stubs/systemctl" <<'STUB'
#!/usr/bin/env bash
echo "systemctl $*" >>"$STUB_LOG"
case " $* " in *" is-active "*) exit "${STUB_ACTIVE_STATUS:-3}" ;; esac
STUB
chmod +x "$stubs"/*

export PATH="$stubs:$PATH"
export STUB_LOG="$log" STUB_ACCOUNTS="$work/accounts" STUB_OVERRIDES="$work/overrides"
export DPKG_ROOT="$work/root"
mkdir -p "$DPKG_ROOT/run/systemd/system"

failures=0
expect() {  # expect DESCRIPTION PATTERN: PATTERN (grep -E) must match a logged call
    if grep -Eq -- "$2" "$log"; then
        echo "ok: $1"
    else
        echo "FAIL: $1 (no call matching /$2/)" >&2
        failures=$((failures + 1))
    fi
}
refuse() {  # refuse DESCRIPTION PATTERN: no logged call may match PATTERN
    if grep -Eq -- "$2" "$log"; then
        echo "FAIL: $1 (unexpected call matching /$2/)" >&2
        failures=$((failures + 1))
    else
        echo "ok: $1"
    fi
}
run() {  # run SCRIPT ARGS...: as dpkg would, with a fresh call log
    : >"$log"
    echo "--- $*"
    bash "$scripts/$1" "${@:2}"
}

run postinst configure
expect "first install creates the system user and group" \
    '^adduser --system .*--group .*--no-create-home --home /var/lib/ringgate .*ringgate$'
expect "config becomes root:ringgate 0640" \
    '^dpkg-statoverride --update --add root ringgate 0640 /etc/ringgate/ringgate.yaml$'
expect "systemd is told about the unit" '^systemctl --system daemon-reload$'
refuse "the service is neither enabled nor started" 'systemctl.* (enable|start|restart)'

run postinst configure 0.0.9
refuse "upgrade does not recreate the user" '^adduser'
refuse "upgrade keeps the administrator's stat override" 'dpkg-statoverride --update'
refuse "upgrade does not restart the service" 'systemctl.* (start|restart|try-restart)'

# A group created by hand earlier: the user joins it instead of failing on --group.
: >"$work/accounts"
echo "group ringgate" >"$work/accounts"
run postinst configure
expect "an existing group is reused" '^adduser --system .*--ingroup ringgate .*ringgate$'

run prerm upgrade 0.2.0
refuse "prerm upgrade leaves the service running" 'systemctl'
run prerm remove
expect "prerm remove stops the service" '^systemctl --system stop ringgate.service$'
expect "prerm remove stops the exporter" '^systemctl --system stop ringgate-pgexport.service$'

mkdir -p "$DPKG_ROOT/var/lib/ringgate" "$DPKG_ROOT/var/log/ringgate" \
    "$DPKG_ROOT/etc/systemd/system/multi-user.target.wants"
ln -s /lib/systemd/system/ringgate.service \
    "$DPKG_ROOT/etc/systemd/system/multi-user.target.wants/ringgate.service"
ln -s /lib/systemd/system/ringgate-pgexport.service \
    "$DPKG_ROOT/etc/systemd/system/multi-user.target.wants/ringgate-pgexport.service"
run postrm remove
if [ -d "$DPKG_ROOT/var/lib/ringgate" ]; then
    echo "ok: remove keeps /var/lib/ringgate"
else
    echo "FAIL: remove deleted /var/lib/ringgate" >&2
    failures=$((failures + 1))
fi
run postrm purge
expect "purge drops the stat override" '^dpkg-statoverride --remove /etc/ringgate/ringgate.yaml$'
refuse "purge keeps the system account" '(deluser|userdel|delgroup|groupdel)'
for gone in var/lib/ringgate var/log/ringgate \
    etc/systemd/system/multi-user.target.wants/ringgate.service \
    etc/systemd/system/multi-user.target.wants/ringgate-pgexport.service; do
    if [ -e "$DPKG_ROOT/$gone" ] || [ -L "$DPKG_ROOT/$gone" ]; then
        echo "FAIL: purge left /$gone" >&2
        failures=$((failures + 1))
    else
        echo "ok: purge removed /$gone"
    fi
done

# Without systemd as init (a chroot, a container): no systemctl at all.
rm -rf "$DPKG_ROOT/run/systemd"
run postinst configure
run prerm remove
run postrm purge
refuse "no systemctl calls when systemd is not running" '^systemctl'

if [ "$failures" -ne 0 ]; then
    echo "$failures maintainer-script check(s) failed" >&2
    exit 1
fi
echo "PASS: maintainer scripts"
