#!/usr/bin/env bash
# Benchmarks of the stored-history server, 3 runs per case, medians printed. Loopback only (127.0.0.1).
#
#   bench/run-history.sh                    # compare insert history (~15 min on 2 cores, plus building the foundation)
#   RUNS=1 DURATION=5 bench/run-history.sh insert
#   FOUNDATION_DIR=/work/tmp-foundation bench/run-history.sh compare   # reuse an already built foundation checkout
#
# Groups (arguments; default all):
#   compare  fanout R=100 S=1 W=64, fanout R=100 S=4 W=64 and latency 2,000 msg/s into 104 members, against the
#            foundation server (FOUNDATION_COMMIT, no storage) and the current one (this checkout), run by the same
#            harness (this checkout's) and interleaved: foundation run 1, current run 1, foundation run 2, ... so that
#            background load on the machine hits both alike.
#   insert   acknowledged (durable) sends/s: S=50 W=64 into one room; S=50 W=64 each into a room of its own (no
#            fan-out); S=1 W=1 (every send waits for its own commit).
#   history  seeds a lobby of HISTORY_MESSAGES messages straight into a data folder (Piazza.Bench seed), then a
#            fresh server per run and N=HISTORY_REQUESTS sequential history requests of each kind (random before, latest).
#
# Environment: PIAZZA_PORT (17270), DURATION (10), WARMUP (4), RUNS (3), FOUNDATION_COMMIT (38c9fec),
# FOUNDATION_DIR (a built checkout of it; default: a throwaway git worktree in the output folder, built and removed),
# HISTORY_MESSAGES (1000000), HISTORY_REQUESTS (1000).
# Every RESULT line gets load1= (the 1-minute load average right after the run): the machine may be shared.
set -euo pipefail

cd "$(dirname "$0")/.."
PIAZZA_PORT=${PIAZZA_PORT:-17270}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-4}
RUNS=${RUNS:-3}
FOUNDATION_COMMIT=${FOUNDATION_COMMIT:-38c9fec}
FOUNDATION_DIR=${FOUNDATION_DIR:-}
HISTORY_MESSAGES=${HISTORY_MESSAGES:-1000000}
HISTORY_REQUESTS=${HISTORY_REQUESTS:-1000}
GROUPS_TO_RUN=${*:-compare insert history}

OUT=$(mktemp -d /tmp/piazza-bench-history.XXXXXX)
CURRENT_DLL=src/Piazza.Server/bin/Release/net10.0/piazza-server.dll
BENCH_DLL=bench/Piazza.Bench/bin/Release/net10.0/Piazza.Bench.dll
SERVER_PID=
OWN_WORKTREE=

# shellcheck source=bench/lib.sh
source bench/lib.sh

cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; fi
  if [[ -n $OWN_WORKTREE ]]; then git worktree remove --force "$OWN_WORKTREE" 2>/dev/null || true; fi
  return 0
}
trap cleanup EXIT

start_server() { # dll [data folder]: a fresh process; a fresh data folder unless one is given
  local data=${2:-}
  [[ -n $data ]] || data=$(mktemp -d "$OUT/data.XXXXXX")
  # Load comes from one address as fast as it can: the flood and per-address limits would measure themselves.
  PIAZZA_MESSAGESPERSECOND=0 PIAZZA_ACCOUNTMESSAGESPERSECOND=0 PIAZZA_FRAMESPERSECOND=0 \
    PIAZZA_MAXCONNECTIONSPERADDRESS=0 PIAZZA_CONNECTIONSPERSECONDPERADDRESS=0 \
  dotnet "$1" --port "$PIAZZA_PORT" --bind 127.0.0.1 --data "$data" </dev/null >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  wait_for_port "$PIAZZA_PORT"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# one_run name dll data args...: one run of the harness against a fresh server; its RESULT lines go to name.log.
one_run() {
  local name=$1 dll=$2 data=$3
  shift 3
  start_server "$dll" "$data"
  dotnet "$BENCH_DLL" "$@" --port "$PIAZZA_PORT" >"$OUT/run.txt" || echo "  (run reported loss, disconnects or rejects)" >>"$OUT/run.txt"
  stop_server
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  sed "s/^RESULT .*/& case=$name load1=$load/" "$OUT/run.txt" | tee -a "$OUT/$name.log"
}

summarize() { # name
  echo "--- $1"
  grep '^RESULT' "$OUT/$1.log" | medians | tee -a "$OUT/medians.txt"
}

echo "building Release (logs in $OUT)..."
for project in src/Piazza.Server bench/Piazza.Bench; do
  dotnet build -c Release "$project" -v quiet -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
done

if [[ " $GROUPS_TO_RUN " == *" compare "* && -z $FOUNDATION_DIR ]]; then
  OWN_WORKTREE="$OUT/foundation"
  FOUNDATION_DIR=$OWN_WORKTREE
  git worktree add --detach "$OWN_WORKTREE" "$FOUNDATION_COMMIT" >"$OUT/build.log" 2>&1
  echo "building the foundation ($FOUNDATION_COMMIT) in $OWN_WORKTREE..."
  dotnet build -c Release "$OWN_WORKTREE/src/Piazza.Server" -v quiet -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
fi
FOUNDATION_DLL=${FOUNDATION_DIR:+$FOUNDATION_DIR/src/Piazza.Server/bin/Release/net10.0/piazza-server.dll}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, .NET $(dotnet --version), data in $OUT ($(df -h --output=source,fstype "$OUT" | tail -1 | xargs))"
echo "current: $(git rev-parse --short HEAD)   foundation: ${FOUNDATION_DIR:+$(git -C "$FOUNDATION_DIR" rev-parse --short HEAD)}"

TIMING=(-d "$DURATION" --warmup "$WARMUP")
for group in $GROUPS_TO_RUN; do
  case $group in
    compare)
      [[ -f $FOUNDATION_DLL ]] || { echo "no foundation server at $FOUNDATION_DLL" >&2; exit 1; }
      cases=("fanout-r100-s1|fanout -r 100 -s 1 -w 64" "fanout-r100-s4|fanout -r 100 -s 4 -w 64" "latency-r100-s4|latency -r 100 -s 4 --rate 2000")
      for run in $(seq "$RUNS"); do
        for c in "${cases[@]}"; do
          name=${c%%|*}
          read -r -a args <<<"${c#*|}"
          echo "=== $name run $run"
          one_run "$name-foundation" "$FOUNDATION_DLL" "" "${args[@]}" "${TIMING[@]}"
          one_run "$name-current" "$CURRENT_DLL" "" "${args[@]}" "${TIMING[@]}"
        done
      done
      for c in "${cases[@]}"; do
        summarize "${c%%|*}-foundation"
        summarize "${c%%|*}-current"
      done
      ;;
    insert)
      cases=("insert-s50-w64-one|-s 50 -w 64" "insert-s50-w64-own|-s 50 -w 64 --own-rooms" "insert-s1-w1|-s 1 -w 1")
      for run in $(seq "$RUNS"); do
        for c in "${cases[@]}"; do
          echo "=== ${c%%|*} run $run"
          read -r -a args <<<"${c#*|}"
          one_run "${c%%|*}" "$CURRENT_DLL" "" insert "${args[@]}" "${TIMING[@]}"
        done
      done
      for c in "${cases[@]}"; do summarize "${c%%|*}"; done
      ;;
    history)
      data="$OUT/history-data"
      mkdir -p "$data"
      echo "=== seed"
      dotnet "$BENCH_DLL" seed --data "$data" -n "$HISTORY_MESSAGES" | tee "$OUT/seed.log"
      for run in $(seq "$RUNS"); do
        echo "=== history run $run"
        one_run history "$CURRENT_DLL" "$data" history -n "$HISTORY_REQUESTS"
      done
      echo "--- history"
      for kind in random latest; do
        grep "^RESULT scenario=history kind=$kind " "$OUT/history.log" | medians | tee -a "$OUT/medians.txt"
      done
      ;;
    *)
      echo "unknown group '$group' (compare, insert, history)" >&2
      exit 2
      ;;
  esac
done

echo
echo "=== medians of $RUNS runs (logs in $OUT)"
cat "$OUT/medians.txt"
