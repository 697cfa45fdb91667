#!/usr/bin/env bash
# Scale-out benchmarks (docs/scale-out.md): fan-out and latency with 1, 2 and 3 nodes of one cluster (PostgreSQL +
# Redis), and the PostgreSQL store against SQLite on one node. Builds Release, starts one redis-server and one
# PostgreSQL 15 (initdb in a temp folder, as the postgres user when run as root) for the session, and fresh nodes
# (fresh data folders, a fresh database) for every run; prints the median of RUNS runs per case. Loopback only.
#
#   bench/cluster.sh                       # everything (~15 min on 2 cores)
#   DURATION=5 RUNS=1 bench/cluster.sh nodes
#
# Groups: nodes (fan-out and latency on 1, 2, 3 nodes), store (SQLite vs PostgreSQL on one node: insert rate with
# own rooms, and fan-out). Environment: BASE_PORT (17170: node k listens on BASE_PORT+k, HTTP on BASE_PORT+10+k),
# REDIS_PORT (16380), PG_PORT (15433), DURATION (10), WARMUP (4), RUNS (3), RECEIVERS (100), SENDERS (3), RATE (1500).
#
# All nodes, Redis, PostgreSQL and the load generator share this machine's cores: more nodes here add work (every
# node encodes and writes every message for its own members, and Redis relays each message to every node) without
# adding cores, so the figures show the cost of the cluster path, never the capacity of N machines.
set -euo pipefail

cd "$(dirname "$0")/.."
BASE_PORT=${BASE_PORT:-17170}
REDIS_PORT=${REDIS_PORT:-16380}
PG_PORT=${PG_PORT:-15433}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-4}
RUNS=${RUNS:-3}
RECEIVERS=${RECEIVERS:-100}
SENDERS=${SENDERS:-3}
RATE=${RATE:-1500}
GROUPS_TO_RUN=${*:-nodes store}

OUT=$(mktemp -d /tmp/piazza-cluster-bench.XXXXXX)
SERVER_DLL=src/Piazza.Server/bin/Release/net10.0/piazza-server.dll
BENCH_DLL=bench/Piazza.Bench/bin/Release/net10.0/Piazza.Bench.dll
PGBIN=/usr/lib/postgresql/15/bin
PG_DIR=
REDIS_PID=
NODE_PIDS=()

# shellcheck source=bench/lib.sh
source bench/lib.sh

as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  stop_nodes
  [[ -n $REDIS_PID ]] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
  [[ -n $PG_DIR ]] && as_postgres "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
  [[ -n $PG_DIR ]] && rm -rf "$PG_DIR"
  return 0
}
trap cleanup EXIT

start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install -y redis-server" >&2; exit 1; }
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$OUT/redis.log" 2>&1 &
  REDIS_PID=$!
  wait_for_port "$REDIS_PORT"
}

start_postgres() {
  [[ -x $PGBIN/initdb ]] || { echo "$PGBIN/initdb missing: apt-get install -y postgresql-15" >&2; exit 1; }
  PG_DIR=$(mktemp -d /tmp/piazza-bench-pg.XXXXXX)
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$PG_DIR"
  as_postgres "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$OUT/initdb.log" 2>&1
  # fsync stays on: the store comparison must pay for durability as SQLite does.
  as_postgres "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300" start >"$OUT/pg_ctl.log" 2>&1
}

new_database() { # prints the connection string of a fresh database (called in $(…), a subshell: no counter survives)
  local name="bench_$$_$(date +%s%N)"
  "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -q -c "CREATE DATABASE $name" >/dev/null
  echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$name"
}

# start_nodes COUNT STORE: STORE is cluster (--postgres and --redis), postgres (--postgres only) or sqlite (neither).
start_nodes() {
  local count=$1 store=$2 extra=() k
  case $store in
    cluster) extra=(--postgres "$(new_database)" --redis "127.0.0.1:$REDIS_PORT") ;;
    postgres) extra=(--postgres "$(new_database)") ;;
    sqlite) ;;
  esac
  local files
  files=$(mktemp -d "$OUT/files.XXXXXX")
  NODE_PORTS=
  for k in $(seq "$count"); do
    local data
    data=$(mktemp -d "$OUT/node$k.XXXXXX")
    local ids=()
    [[ $store != sqlite ]] && ids=(--node-id "node$k" --files-dir "$files")
    # Load comes from one address as fast as it can: the flood and per-address limits would measure themselves.
    PIAZZA_MESSAGESPERSECOND=0 PIAZZA_ACCOUNTMESSAGESPERSECOND=0 PIAZZA_FRAMESPERSECOND=0 \
      PIAZZA_MAXCONNECTIONSPERADDRESS=0 PIAZZA_CONNECTIONSPERSECONDPERADDRESS=0 \
      dotnet "$SERVER_DLL" --port $((BASE_PORT + k)) --http-port $((BASE_PORT + 10 + k)) --irc-port -1 --bind 127.0.0.1 --data "$data" \
      "${ids[@]}" "${extra[@]}" </dev/null >>"$OUT/node$k.log" 2>&1 &
    NODE_PIDS+=($!)
    NODE_PORTS+=${NODE_PORTS:+,}$((BASE_PORT + k))
  done
  for k in $(seq "$count"); do
    wait_for_port $((BASE_PORT + k)) || { echo "node$k did not start; its log:" >&2; tail -5 "$OUT/node$k.log" >&2; exit 1; }
  done
}

stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  NODE_PIDS=()
}

node_cpu() { # CPU seconds each node used (user + system), to show how the cores were shared
  local pid line=""
  for pid in "${NODE_PIDS[@]}"; do
    line+=" $(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$pid/stat")"
  done
  echo "node_cpu_s=${line# }" | tr ' ' '/'
}

# run_case NAME COUNT STORE bench-args...: RUNS runs, fresh nodes (and database) for each.
run_case() {
  local name=$1 count=$2 store=$3
  shift 3
  echo "=== $name"
  for _ in $(seq "$RUNS"); do
    start_nodes "$count" "$store"
    dotnet "$BENCH_DLL" "$@" --nodes "$NODE_PORTS" | tee -a "$OUT/$name.log" || echo "  (run reported loss or disconnects)"
    echo "  $(node_cpu)" | tee -a "$OUT/$name.cpu"
    stop_nodes
  done
  grep '^RESULT' "$OUT/$name.log" | medians | tee -a "$OUT/medians.txt"
}

echo "building Release (logs in $OUT)..."
for project in src/Piazza.Server bench/Piazza.Bench; do
  dotnet build -c Release "$project" -v quiet -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --version), Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')"

start_redis
start_postgres

TIMING=(-d "$DURATION" --warmup "$WARMUP")
for group in $GROUPS_TO_RUN; do
  case $group in
    nodes)
      for n in 1 2 3; do
        run_case "fanout-cluster-n$n" "$n" cluster fanout -r "$RECEIVERS" -s "$SENDERS" -w 64 "${TIMING[@]}"
      done
      for n in 1 2 3; do
        run_case "latency-cluster-n$n" "$n" cluster latency -r "$RECEIVERS" -s "$SENDERS" --rate "$RATE" "${TIMING[@]}"
      done
      ;;
    store)
      for store in sqlite postgres; do
        run_case "insert-$store" 1 "$store" insert -s 4 -w 64 --own-rooms "${TIMING[@]}"
        run_case "fanout-$store" 1 "$store" fanout -r "$RECEIVERS" -s "$SENDERS" -w 64 "${TIMING[@]}"
      done
      ;;
    *)
      echo "unknown group '$group' (nodes, store)" >&2
      exit 2
      ;;
  esac
done

echo
echo "=== medians of $RUNS runs (logs in $OUT)"
cat "$OUT/medians.txt"
