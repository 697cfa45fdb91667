#!/usr/bin/env bash
# Builds Release, then runs every benchmark scenario 3 times against a fresh Piazza server (one per run) and
# a Redis started once, and prints the median of each number. Loopback only (127.0.0.1).
#
#   bench/run.sh                 # everything (~13 min on 2 cores; conns is ~1 min per run)
#   DURATION=5 RUNS=1 bench/run.sh fanout
#
# Environment: PIAZZA_PORT (17070), REDIS_PORT (16379), DURATION seconds measured per run (10),
# WARMUP seconds (4: a fresh server needs ~3 s of load before its JIT has tiered up), RUNS per case (3),
# CONNS idle connections for the conns scenario (5000).
# Arguments: scenario groups to run (fanout latency conns); default all.
# The stored-history benchmarks (foundation vs current, insert rate, history fetch) are in bench/run-history.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
PIAZZA_PORT=${PIAZZA_PORT:-17070}
REDIS_PORT=${REDIS_PORT:-16379}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-4}
RUNS=${RUNS:-3}
CONNS=${CONNS:-5000}
GROUPS_TO_RUN=${*:-fanout latency conns}

OUT=$(mktemp -d /tmp/piazza-bench.XXXXXX)
SERVER_DLL=src/Piazza.Server/bin/Release/net10.0/piazza-server.dll
BENCH_DLL=bench/Piazza.Bench/bin/Release/net10.0/Piazza.Bench.dll
SERVER_PID=
REDIS_PID=

# 5,000 connections need 5,000 descriptors in the server and as many in the harness.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[[ $(ulimit -n) -ge 12000 ]] || echo "warning: could not raise the open-files limit (now $(ulimit -n))" >&2

cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n $REDIS_PID ]] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
  return 0
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source bench/lib.sh

start_server() { # a fresh process and data folder per run, so no run inherits another's heap or sessions
  local data
  data=$(mktemp -d "$OUT/data.XXXXXX")
  # Load comes from one address as fast as it can: the flood and per-address limits would measure themselves.
  PIAZZA_MESSAGESPERSECOND=0 PIAZZA_ACCOUNTMESSAGESPERSECOND=0 PIAZZA_FRAMESPERSECOND=0 \
    PIAZZA_MAXCONNECTIONSPERADDRESS=0 PIAZZA_CONNECTIONSPERSECONDPERADDRESS=0 \
  dotnet "$SERVER_DLL" --port "$PIAZZA_PORT" --irc-port -1 --bind 127.0.0.1 --data "$data" </dev/null >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  wait_for_port "$PIAZZA_PORT"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$OUT/redis.log" 2>&1 &
  REDIS_PID=$!
  wait_for_port "$REDIS_PORT"
}

# run_case name target args...: RUNS runs of one case; a fresh Piazza server for each Piazza run.
run_case() {
  local name=$1 target=$2
  shift 2
  echo "=== $name"
  for run in $(seq "$RUNS"); do
    local port=$REDIS_PORT
    if [[ $target == piazza ]]; then
      start_server
      port=$PIAZZA_PORT
    fi

    local extra=()
    if [[ $1 == conns ]]; then extra=(--server-pid "$SERVER_PID"); fi
    dotnet "$BENCH_DLL" "$@" --port "$port" "${extra[@]}" | tee -a "$OUT/$name.log" || echo "  (run $run reported loss or disconnects)"
    if [[ $target == piazza ]]; then stop_server; fi
  done
  grep '^RESULT' "$OUT/$name.log" | medians | tee -a "$OUT/medians.txt"
}

echo "building Release (logs in $OUT)..."
for project in src/Piazza.Server bench/Piazza.Bench; do
  dotnet build -c Release "$project" -v quiet -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, .NET $(dotnet --version)"

start_redis

TIMING=(-d "$DURATION" --warmup "$WARMUP")
for group in $GROUPS_TO_RUN; do
  case $group in
    fanout)
      for topology in "100 1" "100 4" "1000 10"; do
        read -r r s <<<"$topology"
        for target in piazza redis; do
          run_case "fanout-$target-r$r-s$s" "$target" fanout --target "$target" -r "$r" -s "$s" -w 64 "${TIMING[@]}"
        done
      done
      ;;
    latency)
      for target in piazza redis; do
        run_case "latency-$target-r100-s4" "$target" latency --target "$target" -r 100 -s 4 --rate 2000 "${TIMING[@]}"
      done
      ;;
    conns)
      run_case "conns-piazza-c$CONNS" piazza conns -c "$CONNS"
      ;;
    *)
      echo "unknown scenario group '$group' (fanout, latency, conns)" >&2
      exit 2
      ;;
  esac
done

echo
echo "=== medians of $RUNS runs"
cat "$OUT/medians.txt"
