#!/usr/bin/env bash
# Installs what is needed, builds ringgate, and runs it on the bundled example config
# (deploy/ringgate.example.yaml) in the foreground. The bundled mock upstream
# (ringgate-mock) is started beside it on 127.0.0.1:8000 to stand in for real providers.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)" --target ringgate ringgate-mock 2>/dev/null ||
    cmake --build build -j "$(nproc)" --target ringgate
mock=build/tools/mock/ringgate-mock
if [ -x "$mock" ]; then
    "$mock" --listen 127.0.0.1:8000 &
    mock_pid=$!
    trap 'kill $mock_pid 2>/dev/null || true' EXIT
    echo "demo: ringgate-mock on http://127.0.0.1:8000 (pid $mock_pid)"
fi
echo "demo: ringgate on http://127.0.0.1:8080 (admin http://127.0.0.1:9090); try:"
echo "  curl -s http://127.0.0.1:8080/v1/chat/completions -H 'Content-Type: application/json' \\"
echo "    -d '{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'"
echo "  curl -s http://127.0.0.1:9090/metrics"
# Traces go under build/ rather than /var/lib/ringgate (see storage: in the config).
export STATE_DIRECTORY="$PWD/build/demo-state"
mkdir -p "$STATE_DIRECTORY"
build/src/app/ringgate --config deploy/ringgate.example.yaml
