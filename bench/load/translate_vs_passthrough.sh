#!/usr/bin/env bash
# Load benchmark: translated requests against same-format passthrough, one gateway, one mock,
# one run. An OpenAI chat completion (chat_completion.lua) goes to model gpt-4o (an openai
# provider: passthrough) and to claude-sonnet-4-5 (an anthropic provider: the request is
# translated to Anthropic Messages and the answer back); interleaved per round, the order
# rotating. Issue 5's target: translated req/s at least 0.8 of passthrough req/s.
#
#   bench/load/translate_vs_passthrough.sh [BUILD_DIR] [ROUNDS] [SECONDS] [CONNECTIONS]
#                                                     (defaults: build 3 5 16)
# Layout: 1 gateway worker pinned to CPU 1; wrk -t1 and the mock (1 thread) on CPU 0.
# Prints req/s per round, gateway CPU µs per request, and the median ratio of the rounds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
rounds=${2:-3}
seconds=${3:-5}
conns=${4:-16}
ringgate=$build/src/app/ringgate
mock=$build/tools/mock/ringgate-mock
lua=$here/chat_completion.lua
command -v wrk >/dev/null || { echo "wrk missing: run tools/setup.sh" >&2; exit 1; }
[ -x "$ringgate" ] || { echo "build ringgate first ($ringgate)" >&2; exit 1; }
[ -x "$mock" ] || { echo "build ringgate-mock first ($mock)" >&2; exit 1; }

work=$(mktemp -d /tmp/rg-tvp-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
hz=$(getconf CLK_TCK)

wait_file() {  # a file written by a starting process, with a deadline
    for _ in $(seq 1 200); do
        [ -s "$1" ] && return 0
        sleep 0.05
    done
    echo "timed out waiting for $1" >&2
    exit 1
}

taskset -c 0 "$mock" --listen 127.0.0.1:0 --threads 1 --port-file "$work/mock.json" \
    > "$work/mock.log" 2>&1 &
pids+=($!)
wait_file "$work/mock.json"
mock_port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$work/mock.json")

cat > "$work/ringgate.yaml" <<EOF
server:
  listen: ["127.0.0.1:0"]
  admin_listen: "127.0.0.1:0"
  workers: 1
logging: {level: warn}
providers:
  - {name: oa, type: openai, base_url: "http://127.0.0.1:$mock_port/v1", keys: [{id: o, key: sk-o}]}
  - {name: an, type: anthropic, base_url: "http://127.0.0.1:$mock_port", keys: [{id: a, key: sk-a}]}
EOF
taskset -c 1 "$ringgate" --config "$work/ringgate.yaml" --ready-file "$work/ready.json" \
    > "$work/ringgate.log" 2>&1 &
rg_pid=$!
pids+=($rg_pid)
wait_file "$work/ready.json"
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["listen"][0])' "$work/ready.json")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {  # model -> "req/s cpu_us_per_req"
    local model=$1 before after out rps
    before=$(cpu_ticks "$rg_pid")
    out=$(MODEL="$model" taskset -c 0 wrk -t1 -c"$conns" -d"${seconds}s" -s "$lua" \
        "http://127.0.0.1:$port")
    after=$(cpu_ticks "$rg_pid")
    rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
    if grep -q "Non-2xx" <<< "$out"; then
        echo "non-2xx answers for $model:" >&2
        grep "Non-2xx" <<< "$out" >&2
        exit 1
    fi
    python3 -c "import sys; r=float(sys.argv[1]); t=(int(sys.argv[3])-int(sys.argv[2]))/int(sys.argv[4]); \
print(f'{r:.0f} {t*1e6/(r*float(sys.argv[5])):.2f}')" "$rps" "$before" "$after" "$hz" "$seconds"
}

echo "ringgate $ringgate; $conns connections, ${seconds}s per run, $rounds rounds"
ratios=()
for round in $(seq 1 "$rounds"); do
    if (( round % 2 )); then order="pass trans"; else order="trans pass"; fi
    for v in $order; do
        if [ "$v" = pass ]; then read -r p_rps p_cpu <<< "$(run gpt-4o)"; fi
        if [ "$v" = trans ]; then read -r t_rps t_cpu <<< "$(run claude-sonnet-4-5)"; fi
    done
    ratio=$(python3 -c "print(f'{$t_rps/$p_rps:.3f}')")
    ratios+=("$ratio")
    echo "round $round: passthrough $p_rps req/s ($p_cpu cpu_us/req), translated $t_rps req/s ($t_cpu cpu_us/req), ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median translated/passthrough req/s: $median (target >= 0.8)"
