# Shared by the packaging checks (sourced, after `work` is set): a server to kill on exit, pass/fail counting and
# the "N passed, N failed" last line, and waiting on a condition with a timeout instead of a fixed sleep.
timeout_s=60
server=""
cleanup() {
  [ -n "$server" ] && { kill -KILL "$server"; wait "$server"; } 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# Waits (polling, up to $timeout_s seconds) until the command succeeds.
wait_for() {
  local deadline=$((SECONDS + timeout_s))
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}
