#!/usr/bin/env bash
# Usage: check_linkage.sh RINGGATE_BINARY PGEXPORT_BINARY
# OpenSSL 3 and BoringSSL must never share a process (shared/notes/platform.md section 3:
# libpq with sslmode=require aborts in free() when both are loaded). Checks both ways:
# ringgate needs no libpq and no OpenSSL 3 (libssl.so.3/libcrypto.so.3), directly
# (readelf -d NEEDED) or transitively (ldd); ringgate-pgexport needs no BoringSSL
# (android/libssl.so.0, libcrypto.so.0) and has no RUNPATH into android/.
set -euo pipefail

ringgate="$1"
pgexport="$2"
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

for binary in "$ringgate" "$pgexport"; do
    [ -x "$binary" ] || { echo "FAIL: $binary is not an executable" >&2; exit 1; }
    echo "--- $binary"
    readelf -d "$binary" | grep -E '\((NEEDED|RUNPATH|RPATH)\)' || true
done

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
runpath() { readelf -d "$1" | sed -n 's/.*(R\(UN\)\?PATH).*\[\(.*\)\]/\2/p'; }
# Resolved libraries, one path per line (ldd lists transitive dependencies too).
resolved() { ldd "$1" | awk '$2 == "=>" { print $3 } $2 != "=>" { print $1 }'; }

# ringgate: BoringSSL yes (sanity: the check would be vacuous otherwise), OpenSSL 3 and
# libpq no.
needed "$ringgate" | grep -qx 'libssl.so.0' || fail "ringgate does not link BoringSSL's libssl.so.0"
if needed "$ringgate" | grep -Eq '^libpq\.so'; then fail "ringgate links libpq"; fi
if resolved "$ringgate" | grep -Eq '/libpq\.so|/libssl\.so\.3|/libcrypto\.so\.3'; then
    fail "ringgate loads libpq or OpenSSL 3: $(resolved "$ringgate" | grep -E 'libpq|\.so\.3' | tr '\n' ' ')"
fi

# ringgate-pgexport: libpq yes, BoringSSL no.
needed "$pgexport" | grep -Eq '^libpq\.so' || fail "ringgate-pgexport does not link libpq"
if needed "$pgexport" | grep -Eq '^lib(ssl|crypto)\.so\.0$'; then
    fail "ringgate-pgexport links BoringSSL"
fi
if runpath "$pgexport" | grep -q '/android'; then
    fail "ringgate-pgexport has a RUNPATH into BoringSSL's android/ directory"
fi
if resolved "$pgexport" | grep -q '/android/'; then
    fail "ringgate-pgexport loads a library from android/ (BoringSSL)"
fi

if [ "$failures" -ne 0 ]; then
    exit 1
fi
echo "PASS: ringgate has no libpq/OpenSSL 3; ringgate-pgexport has no BoringSSL"
