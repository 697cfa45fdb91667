#!/usr/bin/env bash
# Builds Release, then runs the fanout and latency scenarios over IRC (Piazza.Bench --target irc) 3 times each
# against Piazza's IRC door (a fresh server per run), InspIRCd and ngIRCd (Debian packages, started once, with the
# configs in bench/irc/: flood and per-address limits raised for loopback), and prints the medians side by side.
# Loopback only (127.0.0.1).
#
#   bench/irc.sh                                  # everything (~15 min on 2 cores)
#   DURATION=3 RUNS=1 SERVERS="inspircd ngircd" bench/irc.sh fanout
#
# Environment: SERVERS (piazza inspircd ngircd), PIAZZA_IRC_PORT (26673), PIAZZA_PORT (26674, its native door),
# INSPIRCD_PORT (26672), NGIRCD_PORT (26671), DURATION seconds measured per run (10), WARMUP seconds (4), RUNS per
# case (3). Arguments: scenario groups to run (fanout latency); default both.
set -euo pipefail

cd "$(dirname "$0")/.."
SERVERS=${SERVERS:-piazza inspircd ngircd}
PIAZZA_IRC_PORT=${PIAZZA_IRC_PORT:-26673}
PIAZZA_PORT=${PIAZZA_PORT:-26674}
INSPIRCD_PORT=${INSPIRCD_PORT:-26672}
NGIRCD_PORT=${NGIRCD_PORT:-26671}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-4}
RUNS=${RUNS:-3}
GROUPS_TO_RUN=${*:-fanout latency}

OUT=$(mktemp -d /tmp/piazza-irc-bench.XXXXXX)
SERVER_DLL=src/Piazza.Server/bin/Release/net10.0/piazza-server.dll
BENCH_DLL=bench/Piazza.Bench/bin/Release/net10.0/Piazza.Bench.dll
SERVER_PID=
INSPIRCD_PID=
NGIRCD_PID=

# 1,000 receivers + 20 sender connections in the harness, as many in the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[[ $(ulimit -n) -ge 4096 ]] || echo "warning: could not raise the open-files limit (now $(ulimit -n))" >&2

stop_pid() { # pid: end one process this script started, and reap it
  [[ -n $1 ]] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

cleanup() {
  stop_pid "$SERVER_PID"
  stop_pid "$INSPIRCD_PID"
  stop_pid "$NGIRCD_PID"
  return 0
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source bench/lib.sh

port_of() {
  case $1 in
    piazza) echo "$PIAZZA_IRC_PORT" ;;
    inspircd) echo "$INSPIRCD_PORT" ;;
    ngircd) echo "$NGIRCD_PORT" ;;
  esac
}

start_piazza() { # a fresh process and data folder per run, so no run inherits another's heap or sessions
  local data
  data=$(mktemp -d "$OUT/data.XXXXXX")
  # Load comes from one address as fast as it can: the flood and per-address limits would measure themselves.
  PIAZZA_MESSAGESPERSECOND=0 PIAZZA_ACCOUNTMESSAGESPERSECOND=0 PIAZZA_FRAMESPERSECOND=0 \
    PIAZZA_MAXCONNECTIONSPERADDRESS=0 PIAZZA_CONNECTIONSPERSECONDPERADDRESS=0 \
  dotnet "$SERVER_DLL" --port "$PIAZZA_PORT" --irc-port "$PIAZZA_IRC_PORT" --http-port -1 --bind 127.0.0.1 --data "$data" \
    </dev/null >>"$OUT/piazza.log" 2>&1 &
  SERVER_PID=$!
  wait_for_port "$PIAZZA_IRC_PORT"
}

# The peers run once for the session, in the foreground of their own process (no daemon, no system service),
# from copies of bench/irc/*.conf with this session's ports and folders.
start_peers() {
  if [[ " $SERVERS " == *" inspircd "* ]]; then
    mkdir -p "$OUT/inspircd"
    sed -e "s|/tmp/piazza-irc-inspircd|$OUT/inspircd|" -e "s|port=\"26672\"|port=\"$INSPIRCD_PORT\"|" \
      bench/irc/inspircd.conf >"$OUT/inspircd.conf"
    /usr/sbin/inspircd --nofork --nopid --runasroot --config "$OUT/inspircd.conf" </dev/null >"$OUT/inspircd.out" 2>&1 &
    INSPIRCD_PID=$!
    wait_for_port "$INSPIRCD_PORT"
  fi
  if [[ " $SERVERS " == *" ngircd "* ]]; then
    mkdir -p "$OUT/ngircd.d"
    sed -e "s|/tmp/piazza-irc-ngircd.d|$OUT/ngircd.d|" -e "s|Ports = 26671|Ports = $NGIRCD_PORT|" \
      bench/irc/ngircd.conf >"$OUT/ngircd.conf"
    /usr/sbin/ngircd --nodaemon --config "$OUT/ngircd.conf" </dev/null >"$OUT/ngircd.out" 2>&1 &
    NGIRCD_PID=$!
    wait_for_port "$NGIRCD_PORT"
  fi
}

# run_case name server args...: RUNS runs of one case; a fresh Piazza for each Piazza run.
run_case() {
  local name=$1 server=$2
  shift 2
  echo "=== $name"
  for run in $(seq "$RUNS"); do
    if [[ $server == piazza ]]; then start_piazza; fi
    dotnet "$BENCH_DLL" "$@" --target irc --port "$(port_of "$server")" | tee -a "$OUT/$name.log" \
      || echo "  (run $run reported loss or disconnects, or failed)"
    if [[ $server == piazza ]]; then
      stop_pid "$SERVER_PID"
      SERVER_PID=
    fi
  done
  if grep -q '^RESULT' "$OUT/$name.log" 2>/dev/null; then
    grep '^RESULT' "$OUT/$name.log" | medians | sed "s/^MEDIAN/MEDIAN server=$server/" | tee -a "$OUT/medians.txt"
  else
    echo "MEDIAN server=$server failed=$name" | tee -a "$OUT/medians.txt"
  fi
}

echo "building Release (logs in $OUT)..."
for project in src/Piazza.Server bench/Piazza.Bench; do
  dotnet build -c Release "$project" -v quiet -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
done
if [[ " $SERVERS " == *" piazza "* ]] && ! dotnet "$SERVER_DLL" --help 2>/dev/null | grep -q -- '--irc-port'; then
  echo "warning: this piazza-server has no --irc-port (the IRC door is not built in): Piazza is left out" >&2
  SERVERS=${SERVERS//piazza/}
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, .NET $(dotnet --version), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peers: $(/usr/sbin/inspircd --version 2>/dev/null | head -1), $(/usr/sbin/ngircd --version 2>/dev/null | head -1 | cut -d- -f1)"

start_peers

TIMING=(-d "$DURATION" --warmup "$WARMUP")
for group in $GROUPS_TO_RUN; do
  case $group in
    fanout)
      for topology in "100 1" "100 4" "1000 10"; do
        read -r r s <<<"$topology"
        for server in $SERVERS; do
          run_case "fanout-$server-r$r-s$s" "$server" fanout -r "$r" -s "$s" -w 64 "${TIMING[@]}"
        done
      done
      ;;
    latency)
      for server in $SERVERS; do
        run_case "latency-$server-r100-s4" "$server" latency -r 100 -s 4 --rate 2000 "${TIMING[@]}"
      done
      ;;
    *)
      echo "unknown scenario group '$group' (fanout, latency)" >&2
      exit 2
      ;;
  esac
done

echo
echo "=== medians of $RUNS runs (load at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$OUT/medians.txt"
echo
# Side by side: one row per case, one column per server (fanout: deliveries/s (sends/s); latency: p50/p99/p99.9/max ms).
awk -v servers="$SERVERS" '
  { server = ""; kase = ""; cell = ""
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    server = v["server"]
    if (v["failed"] != "") { split(v["failed"], a, "-"); cell = "failed"  # name: scenario-server-rR-sS
      v["scenario"] = a[1]; v["receivers"] = substr(a[3], 2); v["senders"] = substr(a[4], 2); v["window"] = 64; v["rate"] = 2000 }
    if (v["scenario"] == "fanout") { kase = "fanout R=" v["receivers"] " S=" v["senders"] " W=" v["window"] ": deliveries/s (sends/s)"
      if (cell == "") cell = sprintf("%.2f M (%.1f k)", v["deliveries_per_s"] / 1e6, v["sent_per_s"] / 1e3) }
    else { kase = "latency " v["rate"] " msg/s R=" v["receivers"] " S=" v["senders"] ": p50/p99/p99.9/max ms"
      if (cell == "") cell = sprintf("%.2f / %.1f / %.1f / %.1f", v["p50_ms"], v["p99_ms"], v["p999_ms"], v["max_ms"]) }
    if (v["lost_sum"] + v["disconnected_sum"] > 0) cell = cell " lost " v["lost_sum"] " disc " v["disconnected_sum"]
    if (!(kase in seen)) { seen[kase] = 1; order[++n] = kase }
    cells[kase, server] = cell; delete v }
  END {
    ns = split(servers, list, " ")
    header = "| case |"; rule = "|---|"
    for (j = 1; j <= ns; j++) { header = header " " list[j] " |"; rule = rule "---|" }
    print header; print rule
    for (k = 1; k <= n; k++) { line = "| " order[k] " |"
      for (j = 1; j <= ns; j++) line = line " " ((order[k], list[j]) in cells ? cells[order[k], list[j]] : "–") " |"
      print line }
  }' "$OUT/medians.txt"
