#!/usr/bin/env bash
# Load benchmark: what the access log (and traces, when the build has storage.traces) cost.
# The same load (wrk, non-streaming POST /v1/chat/completions from chat_completion.lua)
# against ringgate proxying to ringgate-mock, with the access log off, on (to a file), and
# with traces on, interleaved round by round; prints median req/s, gateway CPU per request
# and the overhead of each variant against "off".
#
#   bench/load/logging_overhead.sh [BUILD_DIR] [ROUNDS] [SECONDS]      (defaults: build 5 5)
#
# Layout (shared/notes/platform.md section 6): each gateway has 1 worker and is pinned,
# with all its threads (the log writer included), to CPU 1; wrk -t1 and the mock (1 thread)
# run on CPU 0. The load core saturates first, so raw req/s understate the gateway; the
# steadier figure is gateway CPU per request (us/req, from /proc utime+stime), and the
# overhead is given for both. Environment: CONNS (64), KEEP=1 keeps the work directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
rounds=${2:-5}
seconds=${3:-5}
conns=${CONNS:-64}
ringgate=$build/src/app/ringgate
mock=$build/tools/mock/ringgate-mock
lua=$here/chat_completion.lua
command -v wrk >/dev/null || { echo "wrk missing: run tools/setup.sh" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 missing" >&2; exit 1; }
[ -x "$ringgate" ] || { echo "build ringgate first ($ringgate)" >&2; exit 1; }
[ -x "$mock" ] || { echo "build ringgate-mock first ($mock)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/rg-logbench-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
hz=$(getconf CLK_TCK)

json_field() {  # $1 file, $2 python expression on the parsed object `j`
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

cpu_ticks() {  # utime+stime of a process (all its threads), in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

"$mock" --listen 127.0.0.1:0 --threads 1 --port-file "$work/mock.json" >"$work/mock.log" 2>&1 &
pids+=($!)
taskset -a -p -c 0 $! >/dev/null
for _ in $(seq 1 200); do [ -s "$work/mock.json" ] && break; sleep 0.05; done
mock_port=$(json_field "$work/mock.json" 'j["http"]')

config() {  # $1 access_log value, $2 extra top-level YAML
    cat <<YAML
server:
  listen: ["127.0.0.1:0"]
  admin_listen: "127.0.0.1:0"
  workers: 1
  limits: {max_connections: 100000, idle_timeout: 60s, header_timeout: 10s}
logging: {level: warn, access_log: $1}
providers:
  - name: mock
    type: openai
    base_url: http://127.0.0.1:$mock_port/v1
    keys: [{id: k1, key: sk-provider-1}]
models:
  - name: "gpt-*"
    targets: [{provider: mock}]
$2
YAML
}

variants=(off file)
config off "" > "$work/off.yaml"
config "$work/access.log" "" > "$work/file.yaml"
config "$work/access-traces.log" "storage: {traces: \"sqlite://$work/traces.db\"}" > "$work/traces.yaml"
if "$ringgate" --check-config "$work/traces.yaml" >"$work/traces.check" 2>&1; then
    variants+=(traces)
else
    echo "traces: this build does not accept storage.traces ($(grep -m1 -i 'traces' "$work/traces.check" || head -n1 "$work/traces.check")); variant skipped" >&2
fi

declare -A port pid
for v in "${variants[@]}"; do
    taskset -c 1 "$ringgate" --config "$work/$v.yaml" --ready-file "$work/$v.ready" >"$work/$v.log" 2>&1 &
    pids+=($!)
    pid[$v]=$!
    for _ in $(seq 1 200); do [ -s "$work/$v.ready" ] && break; sleep 0.05; done
    [ -s "$work/$v.ready" ] || { echo "ringgate ($v) did not start:" >&2; cat "$work/$v.log" >&2; exit 1; }
    port[$v]=$(json_field "$work/$v.ready" 'j["listen"][0]')
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:${port[$v]}/v1/chat/completions" \
        -H 'Content-Type: application/json' -d '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}' || true)
    [ "$code" = 200 ] || { echo "ringgate ($v) does not answer (HTTP $code)" >&2; cat "$work/$v.log" >&2; exit 1; }
done

echo "logging overhead: ${#variants[@]} variants (${variants[*]}), $rounds rounds x ${seconds}s, $conns connections, gateway on CPU 1, wrk+mock on CPU 0"
: > "$work/results"
for r in $(seq 1 "$rounds"); do
    for v in "${variants[@]}"; do
        t0=$(cpu_ticks "${pid[$v]}")
        out=$(taskset -c 0 wrk -t1 -c"$conns" -d"${seconds}s" -s "$lua" "http://127.0.0.1:${port[$v]}" 2>&1)
        t1=$(cpu_ticks "${pid[$v]}")
        rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        reqs=$(echo "$out" | awk '/requests in/ {print $1}')
        non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
        [ -z "$non2xx" ] || echo "  !! $v round $r: $non2xx non-2xx answers" >&2
        us=$(python3 -c "print(round(($t1-$t0)/$hz*1e6/max($reqs,1), 2))")
        echo "$v $r $rps $us" >> "$work/results"
        printf '  round %d %-7s %10s req/s  %6s us CPU/req\n' "$r" "$v" "$rps" "$us"
    done
done
[ ! -f "$work/access.log" ] || echo "access log lines (file variant): $(wc -l < "$work/access.log")"

python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = {}
for v, r, rps, us in rows:
    by.setdefault(v, []).append((float(rps), float(us)))
base_rps = statistics.median(x[0] for x in by["off"])
base_us = statistics.median(x[1] for x in by["off"])
print(f"{'variant':8} {'req/s':>10} {'us CPU/req':>11} {'req/s overhead':>15} {'CPU/req overhead':>17}")
for v, xs in by.items():
    rps = statistics.median(x[0] for x in xs)
    us = statistics.median(x[1] for x in xs)
    print(f"{v:8} {rps:10.0f} {us:11.2f} {100*(base_rps-rps)/base_rps:14.1f}% {100*(us-base_us)/base_us:16.1f}%")
print("target: overhead under 5%")
PY
