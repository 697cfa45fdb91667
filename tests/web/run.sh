#!/usr/bin/env bash
# The web client's model tests: node's built-in runner, no browser. Prints TAP; its last lines count the results
# ("# tests N", "# pass N", "# fail N", "# cancelled N", "# skipped N"). Exits non-zero when a test failed or
# none ran. Installs Debian's nodejs when node is missing and this runs as root.
set -uo pipefail
cd "$(dirname "$0")/../.."

if ! command -v node >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq nodejs >/dev/null 2>&1 \
      || { apt-get -f install -y -qq >/dev/null 2>&1; apt-get install -y -qq nodejs >/dev/null 2>&1; }
  fi
  command -v node >/dev/null 2>&1 || { echo "node is missing: apt-get install -y nodejs" >&2; echo "# pass 0"; echo "# fail 1"; exit 1; }
fi

# The page's modules are plain .js files with no package.json (they are served, not packaged): node 20.19+ and
# 22.7+ recognise them as ES modules by themselves; older 20 and 22 releases need the flag.
flags=()
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 7) || (a === 20 && b >= 19) ? 0 : 1)'; then
  flags+=(--experimental-detect-module)
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
node "${flags[@]}" --test --test-reporter=tap tests/web/*.test.mjs | tee "$out"
status=${PIPESTATUS[0]}
if ! grep -Eq '^# pass [1-9]' "$out"; then
  echo "no web test passed (see above)" >&2
  status=1
fi
exit "$status"
