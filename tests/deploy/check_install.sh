#!/usr/bin/env bash
# Usage: check_install.sh BUILD_DIR HAS_MOCK(0|1) [CONFIG]
# `cmake --install BUILD_DIR` into scratch DESTDIRs, with prefix /usr/local (the default)
# and /usr, and checks that everything lands under the prefix (config: <prefix>/etc, or
# /etc for /usr), nothing else (the .deb's /lib and /etc/ringgate/ringgate.yaml stay out),
# and that the installed unit starts the installed binary with the installed config.
set -euo pipefail

build="$1"
has_mock="$2"
config="${3:-}"
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

config_args=()
if [ -n "$config" ]; then
    config_args=(--config "$config")
fi

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# check_prefix PREFIX SYSCONFDIR
check_prefix() {
    local prefix="$1" sysconf="$2" dest="$work/dest${1//\//_}"
    echo "--- DESTDIR=$dest cmake --install $build --prefix $prefix"
    if ! DESTDIR="$dest" cmake --install "$build" --prefix "$prefix" "${config_args[@]}" \
        >"$work/install.log" 2>&1; then
        cat "$work/install.log"
        fail "cmake --install --prefix $prefix failed"
        return
    fi
    (cd "$dest" && find . \( -type f -o -type l \) | sort)

    local expected=("$prefix/bin/ringgate" "$prefix/lib/systemd/system/ringgate.service"
        "$sysconf/ringgate/ringgate.example.yaml" "$prefix/share/doc/ringgate/deploy.md"
        "$prefix/share/doc/ringgate/examples/ringgate.example.yaml")
    if [ "$has_mock" = 1 ]; then
        expected+=("$prefix/bin/ringgate-mock")
    fi
    expected+=("$prefix/bin/ringgate-pgexport" "$prefix/lib/systemd/system/ringgate-pgexport.service")
    local path
    for path in "${expected[@]}"; do
        if [ -f "$dest$path" ]; then echo "ok: $path"; else fail "missing $path"; fi
    done

    local outside
    outside="$(cd "$dest" && find . -mindepth 1 \( -type f -o -type l \) \
        ! -path ".$prefix/*" ! -path ".$sysconf/ringgate/ringgate.example.yaml")"
    if [ -n "$outside" ]; then
        fail "installed outside $prefix: $outside"
    fi

    local unit="$dest$prefix/lib/systemd/system/ringgate.service" line
    [ -f "$unit" ] || return 0
    for line in \
        "ExecStartPre=$prefix/bin/ringgate --check-config $sysconf/ringgate/ringgate.yaml" \
        "ExecStart=$prefix/bin/ringgate --config $sysconf/ringgate/ringgate.yaml"; do
        if grep -qxF "$line" "$unit"; then echo "ok: $line"; else fail "unit lacks: $line"; fi
    done
    line="ExecStart=$prefix/bin/ringgate-pgexport --config $sysconf/ringgate/ringgate.yaml"
    if grep -qxF "$line" "${unit%/*}/ringgate-pgexport.service"; then
        echo "ok: $line"
    else
        fail "ringgate-pgexport.service lacks: $line"
    fi
    if [ "$prefix" = /usr ]; then
        # The prefix the unit is written for: the rewrite must be the identity.
        cmp -s "$unit" "$source_dir/deploy/systemd/ringgate.service" ||
            fail "unit installed with prefix /usr differs from deploy/systemd/ringgate.service"
    elif grep -q '/usr/bin/ringgate' "$unit"; then
        fail "unit installed with prefix $prefix still names /usr/bin/ringgate"
    fi
    cmp -s "$dest$sysconf/ringgate/ringgate.example.yaml" \
        "$source_dir/deploy/ringgate.example.yaml" ||
        fail "installed example config differs from deploy/ringgate.example.yaml"
}

check_prefix /usr/local /usr/local/etc
check_prefix /usr /etc

if [ "$failures" -ne 0 ]; then
    echo "$failures install check(s) failed" >&2
    exit 1
fi
echo "PASS: cmake --install layouts for /usr/local and /usr"
