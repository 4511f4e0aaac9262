#!/usr/bin/env bash
# Load benchmark (issue 2): ringgate's built-in /health answer vs nginx returning the same
# bytes, same worker count, same wrk, interleaved in one run. Prints requests/s and the
# server's CPU microseconds per request (from /proc utime+stime), which is steadier than
# raw throughput on a shared 2-vCPU machine (shared/notes/platform.md section 6).
#
#   bench/load/server_vs_nginx.sh [BUILD_DIR] [ROUNDS] [SECONDS] [CONNECTIONS]
#
# Layout "pinned": 1 server worker on CPU 1, wrk (1 thread) on CPU 0.
# Layout "shared": 2 server workers, wrk with 2 threads, nobody pinned.
#
# TLS=1: both servers terminate TLS (same ECDSA P-256 certificate, made here with the openssl
# CLI; TLS 1.3 negotiated by wrk) and wrk drives https keep-alive connections, so the
# handshake cost is spread over the run and the numbers are mostly record encryption.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
rounds=${2:-3}
seconds=${3:-5}
conns=${4:-64}
tls=${TLS:-0}
scheme=http
ringgate=$build/src/app/ringgate
command -v wrk >/dev/null || { echo "wrk missing: run tools/setup.sh" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx missing: run tools/setup.sh" >&2; exit 1; }
[ -x "$ringgate" ] || { echo "build ringgate first ($ringgate)" >&2; exit 1; }

work=$(mktemp -d /tmp/rg-bench-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

rg_tls_yaml=""
nginx_ssl=""
if [ "$tls" = 1 ]; then
    scheme=https
    (cd "$work" &&
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem \
            -out cert.pem -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
            >/dev/null 2>&1) || { echo "openssl could not make a certificate" >&2; exit 1; }
    rg_tls_yaml="  tls: {cert: $work/cert.pem, key: $work/key.pem}"
    nginx_ssl=" ssl; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3; ssl_session_tickets on"
fi

cpu_ticks() {  # utime+stime of a process and its threads, in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_ringgate() {  # $1 workers, $2 taskset cpu list
    local port
    port=$(free_port)
    cat > "$work/rg.yaml" <<YAML
server:
  listen: ["127.0.0.1:$port"]
  workers: $1
$rg_tls_yaml
  limits: {max_connections: 100000, idle_timeout: 60s, header_timeout: 10s}
logging: {level: warn}
YAML
    taskset -c "$2" "$ringgate" --config "$work/rg.yaml" --ready-file "$work/rg.ready" \
        >"$work/rg.log" 2>&1 &
    pids+=($!)
    server_pid=$!
    for _ in $(seq 1 200); do [ -s "$work/rg.ready" ] && break; sleep 0.05; done
    rm -f "$work/rg.ready"
    server_port=$port
}

start_nginx() {  # $1 workers, $2 taskset cpu list
    local port
    port=$(free_port)
    mkdir -p "$work/nginx/logs"
    cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 20000; multi_accept on; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    server_tokens off;
    server {
        listen 127.0.0.1:$port reuseport backlog=4096$nginx_ssl;
        location = /health {
            default_type application/json;
            return 200 '{"status":"ok"}';
        }
    }
}
CONF
    taskset -c "$2" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx.log" 2>&1 &
    pids+=($!)
    server_pid=$!
    for _ in $(seq 1 200); do
        curl -kfs "$scheme://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        sleep 0.05
    done
    server_port=$port
}

total_ticks() {  # ticks of a process tree (nginx master + workers)
    local sum=0 p
    for p in $1 $(pgrep -P "$1" || true); do
        sum=$((sum + $(cpu_ticks "$p")))
    done
    echo $sum
}

run_wrk() {  # $1 port, $2 wrk cpu list, $3 threads -> prints "rps cpu_us_per_req"
    local before after out rps reqs hz
    hz=$(getconf CLK_TCK)
    before=$(total_ticks "$server_pid")
    out=$(taskset -c "$2" wrk -t"$3" -c"$conns" -d"${seconds}s" "$scheme://127.0.0.1:$1/health")
    after=$(total_ticks "$server_pid")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "$rps $(awk -v t=$((after - before)) -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}')"
}

stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

layout() {  # $1 name, $2 workers, $3 server cpus, $4 wrk cpus, $5 wrk threads
    echo "== layout $1 ($scheme): $2 worker(s) on cpus $3, wrk -t$5 -c$conns -d${seconds}s on cpus $4 =="
    printf '%-8s %6s %12s %14s\n' server round "req/s" "cpu_us/req"
    for r in $(seq 1 "$rounds"); do
        for s in ringgate nginx; do
            "start_$s" "$2" "$3"
            read -r rps cpu < <(run_wrk "$server_port" "$4" "$5")
            printf '%-8s %6s %12s %14s\n' "$s" "$r" "$rps" "$cpu"
            echo "$1 $s $rps $cpu" >> "$work/results"
            stop_server
        done
    done
}

layout pinned 1 1 0 1
layout shared 2 0,1 0,1 2

echo "== medians =="
for l in pinned shared; do
    for s in ringgate nginx; do
        awk -v l=$l -v s=$s '$1==l && $2==s {print $3, $4}' "$work/results" | sort -n |
            awk -v l=$l -v s=$s '{r[NR]=$1; c[NR]=$2} END {m=int((NR+1)/2); printf "%-7s %-8s median req/s %10.0f  cpu_us/req %s\n", l, s, r[m], c[m]}'
    done
done
