#!/usr/bin/env bash
# Load benchmark: ringgate proxying an OpenAI chat completion to ringgate-mock, against a
# tuned nginx reverse proxy to the same mock and against the mock alone ("direct"), all
# interleaved in one run (shared/notes/platform.md section 6). Prints medians over ROUNDS
# and ringgate/nginx ratios taken round by round.
#
#   bench/load/proxy_vs_nginx.sh [BUILD_DIR] [ROUNDS] [SECONDS]      (defaults: build 3 5)
#
# One mock (2 threads) serves every variant; it is re-pinned per layout with taskset -a -p.
# 1. Throughput, non-streaming POST /v1/chat/completions (chat_completion.lua, ~0.6-1 KB
#    answers), at 16 and 256 connections; gateway CPU from /proc utime+stime of its
#    process tree. Layout "pinned": 1 gateway worker on CPU 1, wrk -t1 and the mock on
#    CPU 0; req/s per fully used gateway core = req/s / gateway CPU share. Layout
#    "shared": 2 workers, wrk -t2, nobody pinned.
# 2. Latency at 1 connection with gateway, mock and wrk all on CPU 0 (wrk --latency);
#    added latency = gateway percentile - direct percentile of the same round.
# 3. Gateway VmRSS (nginx: master + workers summed): after start, mid-run, after load.
# 4. Streaming: STREAMS concurrent paced SSE streams (model gpt-4o~tokens=20~delay=100)
#    opened over STREAM_RAMP seconds by a small asyncio client; time to first byte and
#    per-event timing, relative to direct. Layout "shared".
# Environment: STREAMS (1000), STREAM_TOKENS (20), STREAM_DELAY_MS (100), STREAM_RAMP (0.5),
# KEEP=1 keeps the work directory (logs, raw results).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
rounds=${2:-3}
seconds=${3:-5}
streams=${STREAMS:-1000}
stream_tokens=${STREAM_TOKENS:-20}
stream_delay=${STREAM_DELAY_MS:-100}
stream_ramp=${STREAM_RAMP:-0.5}
ringgate=$build/src/app/ringgate
mock=$build/tools/mock/ringgate-mock
lua=$here/chat_completion.lua
command -v wrk >/dev/null || { echo "wrk missing: run tools/setup.sh" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx missing: run tools/setup.sh" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 missing" >&2; exit 1; }
[ -x "$ringgate" ] || { echo "build ringgate first ($ringgate)" >&2; exit 1; }
[ -x "$mock" ] || { echo "build ringgate-mock first ($mock)" >&2; exit 1; }
[ -f "$lua" ] || { echo "missing $lua" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/rg-pvn-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
results=$work/results
: > "$results"
rg_pid=""
ng_pid=""
rg_args=""
ng_args=""
hz=$(getconf CLK_TCK)
started=$(date +%s)

cpu_ticks() {  # utime+stime of a process (all its threads), in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

tree_pids() {  # a process and its children (nginx master + workers)
    echo "$1" $(pgrep -P "$1" || true)
}

total_ticks() {
    local sum=0 p
    for p in $(tree_pids "$1"); do sum=$((sum + $(cpu_ticks "$p"))); done
    echo $sum
}

tree_rss() {  # VmRSS of a process tree, KiB
    local sum=0 p v
    for p in $(tree_pids "$1"); do
        v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
        sum=$((sum + ${v:-0}))
    done
    echo $sum
}

cpu_busy() {  # "busy total" jiffies of one CPU from /proc/stat (all users of the machine)
    awk -v c="cpu$1" '$1==c {b=$2+$3+$4+$7+$8+$9; print b, b+$5+$6}' /proc/stat
}

now() { date +%s.%N; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

json_field() {  # $1 file, $2 python expression on the parsed object `j`
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

chat_body() {  # $1 model, $2 stream true|false
    printf '{"model":"%s","stream":%s,"messages":[{"role":"user","content":"hello there, how are you?"}],"max_tokens":64}' "$1" "$2"
}

check_chat() {  # $1 port, $2 label: one chat completion must answer 200
    local code
    code=$(curl -s -o "$work/check.$2" -w '%{http_code}' -m 5 "http://127.0.0.1:$1/v1/chat/completions" \
        -H 'Authorization: Bearer sk-bench' -H 'Content-Type: application/json' \
        -d "$(chat_body gpt-4o false)" || true)
    if [ "$code" != 200 ] || ! grep -q '"chat.completion"' "$work/check.$2"; then
        echo "$2 on port $1 does not answer a chat completion (HTTP $code):" >&2
        cat "$work/check.$2" >&2 || true
        return 1
    fi
}

mock_cpus=0,1
start_mock() {  # $1: port (0 = any; a restart reuses the old one so gateway configs stay valid)
    rm -f "$work/mock.json"
    "$mock" --listen "127.0.0.1:${1:-0}" --threads 2 --port-file "$work/mock.json" >>"$work/mock.log" 2>&1 &
    pids+=($!)
    mock_pid=$!
    for _ in $(seq 1 200); do [ -s "$work/mock.json" ] && break; sleep 0.05; done
    mock_port=$(json_field "$work/mock.json" 'j["http"]')
    pin_mock "$mock_cpus"
    check_chat "$mock_port" mock
}

pin_mock() { mock_cpus=$1; taskset -a -p -c "$1" "$mock_pid" >/dev/null; }

# The machine is shared: if the mock or a gateway is gone after a measurement, say so, mark
# that measurement invalid (left out of the medians) and start a new one.
incident() { echo "  !! $*" >&2; echo "$*" >> "$work/incidents"; }

gone() {  # $1 pid: true when that child has exited; its status in gone_status
    [ -n "$1" ] || return 1
    kill -0 "$1" 2>/dev/null && return 1
    gone_status=0
    wait "$1" 2>/dev/null || gone_status=$?
    return 0
}

ensure_up() {  # $1 what was just measured; returns 1 when something had died
    local bad=0
    if gone "$mock_pid"; then
        incident "$1: the mock exited (status $gone_status; 0 means SIGTERM/SIGINT from outside); restarted on port $mock_port"
        start_mock "$mock_port"
        sleep 0.3
        bad=1
    fi
    if gone "$rg_pid"; then
        incident "$1: ringgate died (status $gone_status): $(tail -n 1 "$work/rg.log")"
        start_ringgate $rg_args
        bad=1
    fi
    if gone "$ng_pid"; then
        incident "$1: nginx died (status $gone_status)"
        start_nginx $ng_args
        bad=1
    fi
    if [ $bad = 1 ]; then
        sed -i '$ s/^\([a-z]*\) /\1_invalid /' "$results"
        return 1
    fi
}

start_ringgate() {  # $1 workers, $2 taskset cpu list -> rg_pid rg_port
    rg_args="$1 $2"
    rm -f "$work/rg.ready"
    cat > "$work/rg.yaml" <<YAML
server:
  listen: ["127.0.0.1:0"]
  admin_listen: "127.0.0.1:0"
  workers: $1
  limits: {max_connections: 100000, idle_timeout: 60s, header_timeout: 10s}
logging: {level: warn}
providers:
  - name: mock
    type: openai
    base_url: http://127.0.0.1:$mock_port/v1
    keys: [{id: k1, key: sk-provider-1}]
models:
  - name: "gpt-*"
    targets: [{provider: mock}]
YAML
    taskset -c "$2" "$ringgate" --config "$work/rg.yaml" --ready-file "$work/rg.ready" \
        >>"$work/rg.log" 2>&1 &
    pids+=($!)
    rg_pid=$!
    for _ in $(seq 1 200); do [ -s "$work/rg.ready" ] && break; sleep 0.05; done
    [ -s "$work/rg.ready" ] || { echo "ringgate did not start:" >&2; cat "$work/rg.log" >&2; exit 1; }
    rg_port=$(json_field "$work/rg.ready" 'j["listen"][0]')
    check_chat "$rg_port" ringgate
}

start_nginx() {  # $1 workers, $2 taskset cpu list, $3 proxy_buffering on|off -> ng_pid ng_port
    ng_args="$1 $2 $3"
    ng_port=$(free_port)
    mkdir -p "$work/nginx/logs"
    cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $1;
worker_rlimit_nofile 20000;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 20000; multi_accept on; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    server_tokens off;
    upstream mock {
        server 127.0.0.1:$mock_port;
        keepalive 256;
        keepalive_requests 10000000;
        keepalive_timeout 60s;
    }
    server {
        listen 127.0.0.1:$ng_port reuseport backlog=4096;
        location / {
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering $3;
        }
    }
}
CONF
    taskset -c "$2" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >>"$work/nginx.log" 2>&1 &
    pids+=($!)
    ng_pid=$!
    for _ in $(seq 1 200); do
        curl -fs -o /dev/null "http://127.0.0.1:$ng_port/_mock/health" 2>/dev/null && break
        sleep 0.05
    done
    check_chat "$ng_port" nginx
}

stop_gateways() {
    local p st
    for p in "$rg_pid" "$ng_pid"; do
        [ -n "$p" ] || continue
        kill "$p" 2>/dev/null || true
        st=0
        wait "$p" 2>/dev/null || st=$?
        [ $st = 0 ] || incident "$([ "$p" = "$rg_pid" ] && echo ringgate || echo nginx) exited with status $st on SIGTERM"
    done
    rg_pid=""
    ng_pid=""
}

variant_pid() { case $1 in ringgate) echo "$rg_pid" ;; nginx) echo "$ng_pid" ;; *) echo "" ;; esac; }
variant_port() { case $1 in ringgate) echo "$rg_port" ;; nginx) echo "$ng_port" ;; *) echo "$mock_port" ;; esac; }

wrk_field() {  # $1 wrk output file -> "rps requests non2xx socket_errors"
    awk '/Requests\/sec/ {rps=$2} / requests in / {n=$1}
         /Non-2xx or 3xx responses:/ {bad=$NF}
         /Socket errors:/ {gsub(",", ""); e=$4+$6+$8+$10}
         END {printf "%s %s %d %d\n", rps, n, bad, e}' "$1"
}

# One wrk run against a variant; appends a "tput" line to the results.
run_tput() {  # $1 layout, $2 variant, $3 conns, $4 round, $5 wrk cpus, $6 wrk threads
    local gw port out t0 t1 g0 g1 m0 m1 c00 c01 c10 c11 T00 T01 T10 T11 rss=0 rps n bad err
    gw=$(variant_pid "$2")
    port=$(variant_port "$2")
    out=$work/wrk.$1.$2.$3.$4
    read -r c00 T00 < <(cpu_busy 0)
    read -r c10 T10 < <(cpu_busy 1)
    g0=0; [ -n "$gw" ] && g0=$(total_ticks "$gw")
    m0=$(total_ticks "$mock_pid")
    t0=$(now)
    taskset -c "$5" wrk -t"$6" -c"$3" -d"${seconds}s" -s "$lua" "http://127.0.0.1:$port" >"$out" 2>&1 &
    local wrk_pid=$!
    sleep "$(awk -v s="$seconds" 'BEGIN {print s / 2}')"
    [ -n "$gw" ] && rss=$(tree_rss "$gw")
    wait "$wrk_pid" || true
    t1=$(now)
    g1=0; [ -n "$gw" ] && g1=$(total_ticks "$gw")
    m1=$(total_ticks "$mock_pid")
    read -r c01 T01 < <(cpu_busy 0)
    read -r c11 T11 < <(cpu_busy 1)
    read -r rps n bad err < <(wrk_field "$out")
    [ -n "$rps" ] || { echo "wrk failed against $2:" >&2; cat "$out" >&2; rps=0; n=0; }
    echo "tput $1 $3 $2 $4 $rps $n $(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}') \
$((g1 - g0)) $((m1 - m0)) $bad $err $rss \
$(awk -v b=$((c01 - c00)) -v t=$((T01 - T00)) 'BEGIN {printf "%.3f", t ? b / t : 0}') \
$(awk -v b=$((c11 - c10)) -v t=$((T11 - T10)) 'BEGIN {printf "%.3f", t ? b / t : 0}')" >> "$results"
    if [ "$bad" != 0 ] || [ "$err" != 0 ]; then
        echo "  !! $2 c$3 round $4: non-2xx $bad, socket errors $err ($(grep -h 'Socket errors' "$out" || true))" >&2
    fi
    printf '  %-7s c%-4s %-9s round %s: %10s req/s\n' "$1" "$3" "$2" "$4" "$rps"
    ensure_up "$1 c$3 $2 round $4" || true
}

rotate() {  # $1 offset, rest: items -> items rotated left by offset
    local k=$1; shift
    local a=("$@") n=$# i
    for ((i = 0; i < n; i++)); do printf '%s ' "${a[$(((i + k) % n))]}"; done
}

layout_tput() {  # $1 name, $2 workers, $3 gateway cpus, $4 load cpus (wrk + mock), $5 wrk threads
    echo "== throughput, layout $1: $2 gateway worker(s) on cpus $3; wrk -t$5 and mock on cpus $4; ${seconds}s per run =="
    pin_mock "$4"
    local r c v
    for r in $(seq 1 "$rounds"); do
        start_ringgate "$2" "$3"
        start_nginx "$2" "$3" on
        sleep 0.3
        echo "rss $1 ringgate $r idle $(tree_rss "$rg_pid")" >> "$results"
        echo "rss $1 nginx $r idle $(tree_rss "$ng_pid")" >> "$results"
        for c in 16 256; do
            for v in $(rotate $((r - 1)) direct ringgate nginx); do
                run_tput "$1" "$v" "$c" "$r" "$4" "$5"
            done
        done
        sleep 1
        echo "rss $1 ringgate $r after $(tree_rss "$rg_pid")" >> "$results"
        echo "rss $1 nginx $r after $(tree_rss "$ng_pid")" >> "$results"
        stop_gateways
    done
}

lat_us() {  # wrk latency value with unit -> microseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") m = 1; else if (u == "ms") m = 1000; else if (u == "s") m = 1e6; else m = 1
        printf "%.1f", n * m }'
}

layout_latency() {
    echo "== latency at 1 connection: gateway (1 worker), mock and wrk all on cpu 0; ${seconds}s per run =="
    pin_mock 0
    local r v port out p50 p99 rps n bad err
    for r in $(seq 1 "$rounds"); do
        start_ringgate 1 0
        start_nginx 1 0 on
        sleep 0.3
        for v in $(rotate $((r - 1)) direct ringgate nginx); do
            port=$(variant_port "$v")
            out=$work/lat.$v.$r
            taskset -c 0 wrk -t1 -c1 -d"${seconds}s" --latency -s "$lua" "http://127.0.0.1:$port" >"$out" 2>&1 || true
            p50=$(lat_us "$(awk '$1=="50%" {print $2}' "$out")")
            p99=$(lat_us "$(awk '$1=="99%" {print $2}' "$out")")
            read -r rps n bad err < <(wrk_field "$out")
            echo "lat $v $r ${p50:-nan} ${p99:-nan} ${rps:-0} ${bad:-0} ${err:-0}" >> "$results"
            printf '  latency %-9s round %s: p50 %8s us  p99 %8s us  (%s req/s)\n' "$v" "$r" "$p50" "$p99" "$rps"
            if [ "$bad" != 0 ] || [ "$err" != 0 ]; then
                echo "  !! latency $v round $r: non-2xx $bad, socket errors $err" >&2
            fi
            ensure_up "latency $v round $r" || true
        done
        stop_gateways
    done
}

write_stream_client() {
    cat > "$work/stream_client.py" <<'PY'
# Opens N paced SSE streams (OpenAI chat completion, stream: true) over RAMP seconds and
# timestamps every `data:` event. Prints one line, times in ms:
#   ok total ttfb_p50 ttfb_p99 gap_p50 gap_p99 late_p50 late_p99 first_p50 first_p99
# ttfb: connect start -> first response byte. gap: time between consecutive content
# events. late: arrival of content event k minus (connect start + k * DELAY), i.e. how far
# behind the upstream's schedule the event reached the client. first: first content event.
# Failures (status, timeout, early close, missing events) go to stderr, counted by reason.
import asyncio, collections, sys, time

host, port, n, model, delay_ms, tokens, ramp, timeout = (
    sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5]),
    int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]))
body = ('{"model":"%s","stream":true,"messages":[{"role":"user","content":"hello there"}]}'
        % model).encode()
request = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: bench\r\n"
           b"Authorization: Bearer sk-bench\r\nContent-Type: application/json\r\n"
           b"Accept: text/event-stream\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
clock = time.perf_counter


class Stream(asyncio.Protocol):
    def __init__(self, t0, done):
        self.t0, self.done = t0, done
        self.buf = bytearray()
        self.first = None
        self.head_end = -1
        self.status = 0
        self.cur = 0
        self.events = []  # arrival time of each data: event
        self.saw_done = False
        self.error = None

    def connection_made(self, transport):
        self.transport = transport
        transport.write(request)

    def data_received(self, data):
        t = clock()
        if self.first is None:
            self.first = t
        self.buf += data
        if self.head_end < 0:
            self.head_end = self.buf.find(b"\r\n\r\n")
            if self.head_end < 0:
                return
            try:
                self.status = int(self.buf[9:12])
            except ValueError:
                self.status = -1
            if self.status != 200:
                self.finish("status %d" % self.status)
                return
            self.cur = self.head_end + 4
        buf = self.buf
        while True:
            j = buf.find(b"data: ", self.cur)
            if j < 0:
                break
            k = buf.find(b"\n\n", j)
            if k < 0:
                break
            self.events.append(t)
            if buf.startswith(b"data: [DONE]", j):
                self.saw_done = True
            self.cur = k + 2
        if self.saw_done and buf.find(b"\r\n0\r\n\r\n", self.cur - 2) >= 0:
            self.finish(None)

    def finish(self, error):
        if not self.done.done():
            self.error = error
            self.done.set_result(None)
            self.transport.close()

    def connection_lost(self, exc):
        if not self.done.done():
            self.error = "closed early (%d events, done=%s)" % (len(self.events), self.saw_done)
            self.done.set_result(None)


async def one(loop, i, out):
    await asyncio.sleep(ramp * i / n)
    t0 = clock()
    done = loop.create_future()
    try:
        _, proto = await asyncio.wait_for(
            loop.create_connection(lambda: Stream(t0, done), host, port), timeout)
        await asyncio.wait_for(done, timeout)
    except asyncio.TimeoutError:
        out.append((t0, None, "timeout"))
        return
    except OSError as e:
        out.append((t0, None, "connect: %s" % e.strerror))
        return
    out.append((t0, proto, proto.error))


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))]


async def main():
    loop = asyncio.get_running_loop()
    out = []
    await asyncio.gather(*(one(loop, i, out) for i in range(n)))
    ttfb, gaps, late, first = [], [], [], []
    fails = collections.Counter()
    ok = 0
    d = delay_ms / 1000.0
    for t0, p, err in out:
        if err is None and len(p.events) != tokens + 3:
            err = "%d events, expected %d" % (len(p.events), tokens + 3)
        if err is not None:
            fails[err] += 1
            continue
        ok += 1
        ttfb.append((p.first - t0) * 1e3)
        content = p.events[1:tokens + 1]  # events[0] is the role chunk, sent with the head
        first.append((content[0] - t0) * 1e3)
        gaps.extend((b - a) * 1e3 for a, b in zip(content, content[1:]))
        late.extend((t - t0 - (k + 1) * d) * 1e3 for k, t in enumerate(content))
    for err, c in fails.most_common():
        print("  %d stream(s): %s" % (c, err), file=sys.stderr)
    print(ok, n, *("%.3f" % v for v in (pct(ttfb, 50), pct(ttfb, 99), pct(gaps, 50),
                                         pct(gaps, 99), pct(late, 50), pct(late, 99),
                                         pct(first, 50), pct(first, 99))))

asyncio.run(main())
PY
}

layout_stream() {
    local model="gpt-4o~tokens=${stream_tokens}~delay=${stream_delay}"
    local timeout
    timeout=$(awk -v t="$stream_tokens" -v d="$stream_delay" -v r="$stream_ramp" 'BEGIN {print r + t * d / 1000 + 10}')
    echo "== streaming: $streams concurrent streams of model $model opened over ${stream_ramp}s; 2 gateway workers, nobody pinned =="
    write_stream_client
    pin_mock 0,1
    local r v gw port out g0 g1 rss line
    for r in $(seq 1 "$rounds"); do
        start_ringgate 2 0,1
        start_nginx 2 0,1 off
        sleep 0.3
        for v in $(rotate $((r - 1)) direct ringgate nginx); do
            gw=$(variant_pid "$v")
            port=$(variant_port "$v")
            out=$work/stream.$v.$r
            g0=0; [ -n "$gw" ] && g0=$(total_ticks "$gw")
            python3 "$work/stream_client.py" 127.0.0.1 "$port" "$streams" "$model" "$stream_delay" \
                "$stream_tokens" "$stream_ramp" "$timeout" >"$out" 2>"$out.err" &
            local cl=$!
            sleep "$(awk -v r="$stream_ramp" -v t="$stream_tokens" -v d="$stream_delay" 'BEGIN {print r + t * d / 2000}')"
            rss=0; [ -n "$gw" ] && rss=$(tree_rss "$gw")
            wait "$cl" || true
            g1=0; [ -n "$gw" ] && g1=$(total_ticks "$gw")
            line=$(tail -n 1 "$out")
            [ -n "$line" ] || line="0 $streams nan nan nan nan nan nan nan nan"
            echo "stream $v $r $line $((g1 - g0)) $rss" >> "$results"
            read -r ok total t50 t99 _ <<<"$line"
            printf '  stream  %-9s round %s: %s/%s ok, ttfb p50 %s ms p99 %s ms\n' "$v" "$r" "$ok" "$total" "$t50" "$t99"
            if [ -s "$out.err" ]; then
                echo "  !! stream $v round $r failures:" >&2
                cat "$out.err" >&2
                sed "s/^/$v round $r: /" "$out.err" >> "$work/stream_failures"
            fi
            ensure_up "stream $v round $r" || true
            sleep 0.5
        done
        stop_gateways
    done
}

start_mock
echo "ringgate $ringgate; nginx $(nginx -v 2>&1 | sed 's/.*\///'); mock on port $mock_port (2 threads)"
echo "rounds $rounds, ${seconds}s per wrk run; load before: $(uptime | sed 's/.*load average/load average/')"
layout_tput pinned 1 1 0 1
layout_tput shared 2 0,1 0,1 2
layout_latency
layout_stream
elapsed=$(($(date +%s) - started))

python3 - "$results" "$hz" "$seconds" "$rounds" "$streams" "$stream_tokens" "$stream_delay" "$elapsed" \
    "$(uptime | sed 's/.*load average/load average/')" <<'PY'
import collections, statistics, sys

path, hz, seconds, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
streams, tokens, delay, elapsed, load = sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8], sys.argv[9]
rows = [l.split() for l in open(path) if l.strip()]


def med(xs):
    xs = [x for x in xs if x is not None and x == x]
    return statistics.median(xs) if xs else float("nan")


def f(x, fmt="%.0f"):
    return "-" if x is None or x != x else fmt % x


tput = collections.defaultdict(dict)  # (layout, conns, variant) -> round -> metrics
for r in rows:
    if r[0] != "tput":
        continue
    _, layout, conns, var, rnd, rps, n, wall, gt, mt, bad, err, rss, c0, c1 = r
    rps, n, wall, gt, mt = float(rps), int(n), float(wall), int(gt), int(mt)
    gw = var != "direct"
    share = gt / hz / wall if gw else None
    tput[(layout, int(conns), var)][rnd] = dict(
        rps=rps, share=share, per_core=(rps / share if gw and share else None),
        cpu_us=(gt / hz * 1e6 / n if gw and n else None), mock=mt / hz / wall,
        bad=int(bad), err=int(err), rss=int(rss) if gw else None,
        cpu0=float(c0), cpu1=float(c1))

print()
print("=" * 100)
print("SUMMARY  proxy_vs_nginx.sh: medians over %s rounds, %ss per wrk run; ratios = median of"
      " per-round ringgate/nginx" % (rounds, seconds))
print("non-streaming POST /v1/chat/completions (bench/load/chat_completion.lua, 16-token answer)")
print("%-7s %5s %-9s %9s %7s %10s %10s %8s %6s %6s %6s %s" % (
    "layout", "conns", "variant", "req/s", "gw_cpu", "req/s/core", "cpu_us/req", "(lowest)", "mock",
    "cpu0", "cpu1", "non2xx/sockerr"))
for layout in ("pinned", "shared"):
    for conns in (16, 256):
        for var in ("direct", "ringgate", "nginx"):
            rs = tput.get((layout, conns, var), {})
            if not rs:
                continue
            m = lambda k: med([x[k] for x in rs.values()])
            low = min([x["cpu_us"] for x in rs.values() if x["cpu_us"]] or [float("nan")])
            print("%-7s %5d %-9s %9s %7s %10s %10s %8s %6s %6s %6s %d/%d" % (
                layout, conns, var, f(m("rps")), f(m("share") * 100 if var != "direct" else None, "%.0f%%"),
                f(m("per_core")), f(m("cpu_us"), "%.2f"), f(low, "%.2f"), f(m("mock") * 100, "%.0f%%"),
                f(m("cpu0") * 100, "%.0f%%"), f(m("cpu1") * 100, "%.0f%%"),
                sum(x["bad"] for x in rs.values()), sum(x["err"] for x in rs.values())))
print("ratios ringgate/nginx (per round, then median):")
for layout in ("pinned", "shared"):
    for conns in (16, 256):
        a, b = tput.get((layout, conns, "ringgate"), {}), tput.get((layout, conns, "nginx"), {})
        common = sorted(set(a) & set(b))
        def ratio(k):
            return med([a[r][k] / b[r][k] for r in common if a[r][k] and b[r][k]])
        print("  %-7s c%-4d req/s %5s   req/s per core %5s   cpu_us/req %5s" % (
            layout, conns, f(ratio("rps"), "%.2f"), f(ratio("per_core"), "%.2f"),
            f(ratio("cpu_us"), "%.2f")))

lat = collections.defaultdict(dict)
for r in rows:
    if r[0] == "lat":
        lat[r[1]][r[2]] = (float(r[3]), float(r[4]), float(r[5] or 0), int(r[6]), int(r[7]))
if lat:
    print()
    print("latency at 1 connection, gateway + mock + wrk on cpu 0 (wrk --latency), microseconds")
    print("%-9s %8s %8s %10s %10s %9s %s" % ("variant", "p50", "p99", "added_p50", "added_p99",
                                             "req/s", "non2xx/sockerr"))
    direct = lat.get("direct", {})
    for var in ("direct", "ringgate", "nginx"):
        rs = lat.get(var, {})
        if not rs:
            continue
        add50 = med([rs[r][0] - direct[r][0] for r in rs if r in direct]) if var != "direct" else None
        add99 = med([rs[r][1] - direct[r][1] for r in rs if r in direct]) if var != "direct" else None
        print("%-9s %8s %8s %10s %10s %9s %d/%d" % (
            var, f(med([x[0] for x in rs.values()]), "%.1f"), f(med([x[1] for x in rs.values()]), "%.1f"),
            f(add50, "%.1f"), f(add99, "%.1f"), f(med([x[2] for x in rs.values()])),
            sum(x[3] for x in rs.values()), sum(x[4] for x in rs.values())))

rss = collections.defaultdict(list)
for r in rows:
    if r[0] == "rss":
        rss[(r[1], r[2], r[4])].append(int(r[5]))
if rss:
    print()
    print("gateway VmRSS, KiB (nginx: master + workers summed); load = sampled mid-run")
    print("%-7s %-9s %8s %10s %10s %8s %12s" % ("layout", "gateway", "idle", "load c16", "load c256",
                                                "after", "mid-stream"))
    for layout in ("pinned", "shared"):
        for gw in ("ringgate", "nginx"):
            l16 = med([x["rss"] for x in tput.get((layout, 16, gw), {}).values()])
            l256 = med([x["rss"] for x in tput.get((layout, 256, gw), {}).values()])
            ms = med([int(r[-1]) for r in rows if r[0] == "stream" and r[1] == gw]) if layout == "shared" else None
            print("%-7s %-9s %8s %10s %10s %8s %12s" % (
                layout, gw, f(med(rss[(layout, gw, "idle")])), f(l16), f(l256),
                f(med(rss[(layout, gw, "after")])), f(ms)))

st = collections.defaultdict(dict)
for r in rows:
    if r[0] == "stream":
        v = [float(x) for x in r[3:13]]
        st[r[1]][r[2]] = dict(ok=int(v[0]), total=int(v[1]), ttfb50=v[2], ttfb99=v[3], gap50=v[4],
                              gap99=v[5], late50=v[6], late99=v[7], first50=v[8], first99=v[9],
                              cpu=int(r[13]) / hz, rss=int(r[14]))
if st:
    print()
    print("streaming: %s concurrent streams x %s tokens, %s ms apart; ms; +x = added over direct"
          " (same round)" % (streams, tokens, delay))
    print("%-9s %9s %7s %7s %7s %7s %6s %6s %6s %6s %6s %6s %6s %6s %9s" % (
        "variant", "ok", "ttfb50", "ttfb99", "+ttfb50", "+ttfb99", "gap50", "gap99", "+gap50",
        "+gap99", "late50", "late99", "+late50", "+late99", "cpu_us/ev"))
    d = st.get("direct", {})
    for var in ("direct", "ringgate", "nginx"):
        rs = st.get(var, {})
        if not rs:
            continue
        def m(k):
            return med([x[k] for x in rs.values()])
        def add(k):
            return None if var == "direct" else med([rs[r][k] - d[r][k] for r in rs if r in d])
        print("%-9s %9s %7s %7s %7s %7s %6s %6s %6s %6s %6s %6s %6s %6s %9s" % (
            var, "%d/%d" % (sum(x["ok"] for x in rs.values()), sum(x["total"] for x in rs.values())),
            f(m("ttfb50"), "%.2f"), f(m("ttfb99"), "%.2f"), f(add("ttfb50"), "%.2f"),
            f(add("ttfb99"), "%.2f"), f(m("gap50"), "%.2f"), f(m("gap99"), "%.2f"),
            f(add("gap50"), "%.2f"), f(add("gap99"), "%.2f"), f(m("late50"), "%.2f"),
            f(m("late99"), "%.2f"), f(add("late50"), "%.2f"), f(add("late99"), "%.2f"),
            f(m("cpu") * 1e6 / (int(streams) * (int(tokens) + 3)) if var != "direct" else None, "%.1f")))
invalid = collections.Counter(r[0] for r in rows if r[0].endswith("_invalid"))
if invalid:
    print()
    print("left out (a process died during the measurement): %s" % dict(invalid))
print()
print("gw_cpu: gateway CPU share of one core (utime+stime of its process tree / wall); "
      "req/s/core = req/s / gw_cpu;")
print("mock: the mock's CPU share; cpu0/cpu1: how busy each vCPU was, all users of the machine")
print("elapsed %ss; %s" % (elapsed, load))
PY
if [ -s "$work/incidents" ]; then
    echo "incidents:"
    cat "$work/incidents"
fi
if [ -s "$work/stream_failures" ]; then
    echo "stream failures:"
    cat "$work/stream_failures"
fi
