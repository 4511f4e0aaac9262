#!/usr/bin/env bash
# Installs every Debian package that ringgate's build, tests and benchmarks need.
# Idempotent; run as root (or with sudo) on Debian 12. Usage: tools/setup.sh
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-14-dev
    # libraries
    liburing-dev android-libboringssl-dev libmimalloc-dev node-llhttp libsimdjson-dev
    libyaml-cpp-dev libc-ares-dev libhiredis-dev libsqlite3-dev
    # ringgate-pgexport only (libpq links OpenSSL 3: never linked into ringgate)
    libpq-dev
    # tests and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev nginx-light wrk openssl curl
    redis-server postgresql nodejs systemd dpkg-dev fakeroot python3
)
# npm ships inside NodeSource's nodejs; Debian splits it out (and the two conflict).
if ! command -v npm >/dev/null 2>&1; then
    packages+=(npm)
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
        "${missing[@]}"
else
    echo "setup: all packages present"
fi
