#!/usr/bin/env bash
# Usage: check_package.sh BUILD_DIR HAS_MOCK(0|1)
# Builds the .deb with CPack from BUILD_DIR's CPackConfig.cmake into a scratch directory
# (the build tree's binaries must be built: the deploy_build ctest fixture does it), then
# reads it back with dpkg-deb and checks files, control fields, conffiles and scripts.
# Exits 77 (skipped) when dpkg-deb or dpkg-shlibdeps is missing (packages dpkg, dpkg-dev).
set -euo pipefail

build="$1"
has_mock="$2"

for tool in dpkg-deb dpkg-shlibdeps cpack; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool not installed (dpkg-dev provides dpkg-shlibdeps); cannot build a .deb"
        exit 77
    fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# -B keeps both the .deb and CPack's staging tree (_CPack_Packages) out of the build dir.
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    echo "FAIL: cpack -G DEB failed" >&2
    exit 1
fi
debs=("$work"/out/ringgate_*.deb)
if [ "${#debs[@]}" -ne 1 ] || [ ! -f "${debs[0]}" ]; then
    cat "$work/cpack.log"
    echo "FAIL: expected exactly one ringgate_*.deb in $work/out" >&2
    exit 1
fi
deb="${debs[0]}"
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

dpkg-deb -c "$deb" >"$work/contents"
dpkg-deb -I "$deb" >"$work/info"
cat "$work/contents" "$work/info"

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
has_file() {  # has_file PATH [MODE]: PATH is a regular file in the package (with MODE)
    local line
    line="$(awk -v p="./${1#/}" '$6 == p' "$work/contents")"
    if [ -z "$line" ]; then
        fail "package lacks $1"
    elif [ -n "${2:-}" ] && [ "${line%% *}" != "$2" ]; then
        fail "$1 has mode ${line%% *}, expected $2"
    else
        echo "ok: $1"
    fi
}

has_file /usr/bin/ringgate -rwxr-xr-x
if [ "$has_mock" = 1 ]; then
    has_file /usr/bin/ringgate-mock -rwxr-xr-x
fi
has_file /lib/systemd/system/ringgate.service -rw-r--r--
has_file /usr/bin/ringgate-pgexport -rwxr-xr-x
has_file /lib/systemd/system/ringgate-pgexport.service -rw-r--r--
has_file /etc/ringgate/ringgate.yaml -rw-r--r--
has_file /usr/share/doc/ringgate/deploy.md
has_file /usr/share/doc/ringgate/examples/ringgate.example.yaml
# The /usr/local layout must not leak into the package.
if grep -Eq 'ringgate\.example\.yaml$' <(awk '{print $6}' "$work/contents" | grep -v '^./usr/share/doc/'); then
    fail "the cmake --install layout (etc/ringgate/ringgate.example.yaml) leaked into the .deb"
fi

field() { sed -n "s/^ $1: //p" "$work/info"; }
[ "$(field Package)" = ringgate ] || fail "Package: is '$(field Package)'"
[ -n "$(field Version)" ] || fail "no Version:"
[ -n "$(field Maintainer)" ] || fail "no Maintainer:"
depends="$(field Depends)"
echo "Depends: $depends"
# BoringSSL comes from the android-libboringssl package (libssl.so.0/libcrypto.so.0 via
# RUNPATH); dpkg-shlibdeps must have found it through the binary's RUNPATH.
grep -Eq '(^|, )android-libboringssl( |,|$)' <<<"$depends" || fail "Depends lacks android-libboringssl"
grep -Eq '(^|, )adduser( |,|$)' <<<"$depends" || fail "Depends lacks adduser (postinst uses it)"
grep -Eq '(^|, )liburing2( |,|$)' <<<"$depends" || fail "Depends lacks liburing2"
# ringgate-pgexport's libpq (found by dpkg-shlibdeps like the others).
grep -Eq '(^|, )libpq5( |,|$)' <<<"$depends" || fail "Depends lacks libpq5 (ringgate-pgexport)"

control="$work/control"
dpkg-deb -e "$deb" "$control"
if [ "$(cat "$control/conffiles")" = /etc/ringgate/ringgate.yaml ]; then
    echo "ok: conffiles lists /etc/ringgate/ringgate.yaml"
else
    fail "conffiles is '$(cat "$control/conffiles" 2>/dev/null)'"
fi
for script in postinst prerm postrm; do
    if [ -x "$control/$script" ]; then
        echo "ok: $script is executable"
    else
        fail "$script missing or not executable"
    fi
done
grep -Eq '^ *adduser --system .*--group' "$control/postinst" ||
    fail "postinst does not create the ringgate user and group"
cmp -s "$control/postinst" "$(dirname "$0")/../../deploy/debian/postinst" ||
    fail "packaged postinst differs from deploy/debian/postinst"

# The payload is the source tree's files, byte for byte.
root="$work/root"
dpkg-deb -x "$deb" "$root"
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
cmp -s "$root/lib/systemd/system/ringgate.service" "$source_dir/deploy/systemd/ringgate.service" ||
    fail "packaged unit differs from deploy/systemd/ringgate.service"
cmp -s "$root/lib/systemd/system/ringgate-pgexport.service" \
    "$source_dir/deploy/systemd/ringgate-pgexport.service" ||
    fail "packaged unit differs from deploy/systemd/ringgate-pgexport.service"
cmp -s "$root/etc/ringgate/ringgate.yaml" "$source_dir/deploy/ringgate.example.yaml" ||
    fail "packaged /etc/ringgate/ringgate.yaml differs from deploy/ringgate.example.yaml"
# BoringSSL is not on the loader path: the installed binary must carry its RUNPATH.
if command -v readelf >/dev/null 2>&1 && [ -f "$root/usr/bin/ringgate" ]; then
    runpath="$(readelf -d "$root/usr/bin/ringgate" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')"
    echo "RUNPATH of /usr/bin/ringgate: ${runpath:-none}"
    if ! grep -q '/android' <<<"$runpath"; then
        fail "/usr/bin/ringgate has no RUNPATH to BoringSSL's android/ directory"
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures package check(s) failed" >&2
    exit 1
fi
echo "PASS: $(basename "$deb")"
