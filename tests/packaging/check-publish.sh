#!/usr/bin/env bash
# The server published as one self-contained file (docs/operations.md), checked as an operator would use it: it is
# the only file published, starts alone in an empty folder on 127.0.0.1 (free ports, a temporary data folder), answers
# /healthz and serves the page, `piazza-server healthcheck` agrees, and SIGTERM stops it with exit code 0.
# Ends with "N passed, N failed"; exits non-zero when a check fails. Usage: tests/packaging/check-publish.sh [RID]
set -uo pipefail
cd "$(dirname "$0")/../.."
rid=${1:-linux-x64}
work=$(mktemp -d -t piazza-publish.XXXXXX)
. tests/packaging/checks.sh

# ReadyToRun (the csproj's default for a published file) is left out here unless PIAZZA_PUBLISH_R2R=1: crossgen doubles
# the publish (about 1 more minute on 2 cores) and changes how the code is compiled, not what is packed or how it starts.
r2r=${PIAZZA_PUBLISH_R2R:-0}
[ "$r2r" = 1 ] && r2r_flag=true || r2r_flag=false
if dotnet publish src/Piazza.Server -c Release -r "$rid" -p:PublishReadyToRun=$r2r_flag -o "$work/publish" -nologo -clp:ErrorsOnly >"$work/publish.log" 2>&1; then
  pass "dotnet publish -r $rid (ReadyToRun $r2r_flag)"
else
  cat "$work/publish.log"; fail "dotnet publish -r $rid"; finish
fi

files=$(ls -A "$work/publish")
[ "$files" = "piazza-server" ] && pass "one file published" || fail "one file published (got: $(echo $files))"

# Alone in a folder of its own, with no home folder: the native SQLite library unpacks where it is told.
mkdir -p "$work/bin" "$work/extract"
cp "$work/publish/piazza-server" "$work/bin/"
env -u HOME DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract" "$work/bin/piazza-server" --data "$work/data" --bind 127.0.0.1 \
  --port 0 --http-port 0 --irc-port -1 </dev/null >"$work/out.log" 2>&1 &
server=$!

http_port() { sed -n 's|^Web client on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/out.log" | head -n 1; }
has_http_port() { [ -n "$(http_port)" ]; }
if wait_for has_http_port; then
  port=$(http_port)
  pass "starts and says where it listens (HTTP port $port)"
else
  cat "$work/out.log"; fail "starts and says where it listens"; finish
fi

healthz() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ]; }
wait_for healthz && pass "/healthz answers 200" || fail "/healthz answers 200"
curl -sf "http://127.0.0.1:$port/" | grep -qi '<html' && pass "serves the page from inside the file" || fail "serves the page from inside the file"
# A generous timeout: this process starts cold beside the server, on a busy machine.
if "$work/bin/piazza-server" healthcheck --timeout 30 --url "http://127.0.0.1:$port/healthz" >"$work/healthcheck.txt" 2>&1; then
  pass "healthcheck exits 0"
else
  cat "$work/healthcheck.txt"; fail "healthcheck exits 0"
fi
[ -n "$(ls -A "$work/data" 2>/dev/null)" ] && pass "data folder created" || fail "data folder created"

stopped() { ! kill -0 "$server" 2>/dev/null; }
kill -TERM "$server"
if wait_for stopped; then
  wait "$server"; code=$?
  server=""
  [ "$code" -eq 0 ] && pass "SIGTERM: exit 0" || { cat "$work/out.log"; fail "SIGTERM: exit $code, not 0"; }
else
  fail "SIGTERM: still running after ${timeout_s}s"
fi
"$work/bin/piazza-server" healthcheck --url "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 \
  && fail "healthcheck exits 1 once stopped" || pass "healthcheck exits 1 once stopped"

finish
