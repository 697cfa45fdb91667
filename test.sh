#!/usr/bin/env bash
# The project's test command (README): builds everything warning-free and runs every test suite.
# Ends with the plain summary line "N passed, N failed, N skipped" that CI reads.
set -uo pipefail
cd "$(dirname "$0")"

# Debian packages the tests need, installed when missing (apt retried once: a cache hook can fail the first try).
need_packages=()
command -v tmux >/dev/null 2>&1 || need_packages+=(tmux)
command -v chromium >/dev/null || need_packages+=(chromium)
command -v node >/dev/null || need_packages+=(nodejs)
# Real PostgreSQL and Redis for the store and cluster tests (the fixtures start their own servers).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need_packages+=(postgresql)
command -v redis-server >/dev/null || need_packages+=(redis-server)
# Real IRC clients for the IRC door's real-client tests (driven in tmux).
command -v irssi >/dev/null || need_packages+=(irssi)
command -v weechat >/dev/null || need_packages+=(weechat-curses)
# promtool checks the /metrics page (docs/monitoring.md).
command -v promtool >/dev/null || need_packages+=(prometheus)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq "${need_packages[@]}" >/dev/null 2>&1 \
      || { apt-get -f install -y -qq >/dev/null 2>&1; apt-get install -y -qq "${need_packages[@]}" >/dev/null 2>&1; } \
      || echo "warning: could not install ${need_packages[*]}" >&2
  else
    echo "warning: missing ${need_packages[*]} (run as root to install)" >&2
  fi
fi

# npm packages the tests use as integrators would (an OpenAPI validator, tus-js-client, eventsource, ws): pinned by
# tests/node/package-lock.json, installed when missing, retried once (a registry hiccup).
if [ ! -d tests/node/node_modules ] || [ tests/node/package-lock.json -nt tests/node/node_modules ]; then
  (cd tests/node && { npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; }) \
    || echo "warning: npm ci in tests/node failed" >&2
fi

results="$(pwd)/TestResults"
rm -rf "$results" "$results"-*.log "$results"-*.status
mkdir -p "$results"

if ! dotnet build Piazza.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# The installable forms (docs/operations.md): the published single file and the packed terminal-client tool, each
# checked by a script. They run in the background beside the test projects (the browser suite mostly waits on
# chromium, the publish mostly compiles) and write only their own RID-specific and temporary outputs.
(
  for check in tests/packaging/check-*.sh; do
    [ -f "$check" ] || continue
    log="$results-$(basename "$check" .sh).log"
    bash "$check" > "$log" 2>&1; echo $? > "${log%.log}.status"
  done
) &
packaging_pid=$!

# The fewest tests each project must report (tests/floors.txt; its rule is written at its top).
floor_of() { awk -v name="$1" '$1 == name { print $2 }' tests/floors.txt; }

# Each test project in its own results folder, one after the other: the browser and integration suites both start
# many real servers, and on 2 cores running them side by side only adds timing noise. Five minutes without a test
# finishing is a hang (the slowest healthy test takes well under one): the blame collector then stops the run. xUnit
# names every test still running after 2 minutes ("[Long Running Test]"), so the output says which one hung.
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" \
    --blame-hang-timeout 5min --blame-hang-dump-type none \
    --results-directory "$results/$name" -- xUnit.LongRunningTestSeconds=120 xUnit.DiagnosticMessages=true \
    > "$results-$name.log" 2>&1 || status=1
  grep -E "\[FAIL\]|Error Message|Passed!|Failed!" -A3 "$results-$name.log" | grep -v "^--" | tail -n 60
  grep -E "\[Long Running Test\]|inactivity time|Test Run Aborted|test running when" -A1 "$results-$name.log" | grep -v "^--" | tail -n 20
  if [ ! -f "$results/$name/$name.trx" ]; then
    echo "$name: no test results (see $results-$name.log)"
    status=1
    continue
  fi

  # A project that silently discovers fewer tests (a broken attribute, a lost file, a runner change) must not pass.
  total=$(grep -o '<Counters [^>]*>' "$results/$name/$name.trx" | head -n 1 | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  floor=$(floor_of "$name")
  if [ -z "$floor" ]; then
    echo "$name: no floor in tests/floors.txt; add one (it must run at least one test)"
    floor=1
  fi
  if [ "${total:-0}" -eq 0 ] || [ "${total:-0}" -lt "$floor" ]; then
    echo "$name: ${total:-0} tests ran, fewer than the floor of $floor in tests/floors.txt"
    status=1
  fi
done

# The web client's state model under node's own runner (tests/web/*.test.mjs, no browser), counted with the rest.
web_log="$results-web.log"
tests/web/run.sh > "$web_log" 2>&1 || status=1
web_passed=$(sed -n 's/^# pass //p' "$web_log" | tail -n 1)
web_failed=$(( $(sed -n 's/^# fail //p' "$web_log" | tail -n 1 | grep . || echo 1) + $(sed -n 's/^# cancelled //p' "$web_log" | tail -n 1 | grep . || echo 0) ))
grep -E "^not ok|^# (pass|fail)" -A6 "$web_log" | grep -v "^--" | tail -n 40
if [ "${web_passed:-0}" -lt "$(floor_of web)" ]; then
  echo "web: ${web_passed:-0} tests passed, fewer than the floor of $(floor_of web) in tests/floors.txt"
  status=1
fi

# The installable forms, as checked in the background above: each script printed "N passed, N failed" last.
wait "$packaging_pid"
packaging_passed=0; packaging_failed=0
for check in tests/packaging/check-*.sh; do
  [ -f "$check" ] || continue
  log="$results-$(basename "$check" .sh).log"
  tail -n 15 "$log"
  [ "$(cat "${log%.log}.status" 2>/dev/null)" = 0 ] || status=1
  summary=$(tail -n 1 "$log")
  p=$(echo "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  f=$(echo "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  [ -n "$p" ] || { p=0; f=1; status=1; }
  packaging_passed=$((packaging_passed + p)); packaging_failed=$((packaging_failed + f))
done
packaging_floor=$(floor_of packaging)
if [ "$packaging_passed" -lt "${packaging_floor:-0}" ]; then
  echo "packaging: $packaging_passed checks passed, fewer than the floor of $(floor_of packaging) in tests/floors.txt"
  status=1
fi

passed=$((${web_passed:-0} + packaging_passed)); failed=$((web_failed + packaging_failed)); skipped=0
for trx in "$results"/*/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the runner failed without a failing test (crash, timeout): never report green
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
