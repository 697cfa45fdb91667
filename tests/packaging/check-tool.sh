#!/usr/bin/env bash
# The terminal client as a .NET tool (docs/operations.md), installed as a user would from a locally packed package:
# `dotnet pack`, `dotnet tool install --tool-path DIR --add-source PKGDIR piazza`, `piazza --help`, and a real
# --plain session against a server on 127.0.0.1 (free ports, temporary data folder). No network: the package cache and
# the package sources are temporary and local. Ends with "N passed, N failed"; exits non-zero when a check fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d -t piazza-tool.XXXXXX)
. tests/packaging/checks.sh

if dotnet pack src/Piazza.Tui -c Release -o "$work/packages" -nologo -clp:ErrorsOnly >"$work/pack.log" 2>&1 && ls "$work/packages"/piazza.*.nupkg >/dev/null 2>&1; then
  pass "dotnet pack makes $(basename "$work"/packages/piazza.*.nupkg)"
else
  cat "$work/pack.log"; fail "dotnet pack"; finish
fi

# Only the packed folder as a source, and a fresh package cache: the tool comes from this package, not a cached copy.
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /></packageSources></configuration>
XML
if NUGET_PACKAGES="$work/nuget-cache" dotnet tool install --tool-path "$work/tools" --configfile "$work/nuget.config" \
    --add-source "$work/packages" piazza >"$work/install.log" 2>&1; then
  pass "dotnet tool install piazza"
else
  cat "$work/install.log"; fail "dotnet tool install piazza"; finish
fi

"$work/tools/piazza" --help >"$work/help.txt" 2>&1 && grep -q -- "--plain" "$work/help.txt" \
  && pass "piazza --help" || { cat "$work/help.txt"; fail "piazza --help"; }

# A real session: the server from the build (test.sh builds first; built here when missing).
server_dll=src/Piazza.Server/bin/Release/net10.0/piazza-server.dll
[ -f "$server_dll" ] || dotnet build src/Piazza.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet "$server_dll" --data "$work/data" --bind 127.0.0.1 --port 0 --http-port -1 --irc-port -1 </dev/null >"$work/server.log" 2>&1 &
server=$!
native_port() { sed -n 's|.*listening on tcp://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$work/server.log" | head -n 1; }
has_native_port() { [ -n "$(native_port)" ]; }
if wait_for has_native_port; then
  port=$(native_port)
  out=$(printf 'hello from the tool\n' | timeout "$timeout_s" "$work/tools/piazza" --plain --host 127.0.0.1 --port "$port" --user tooltest --guest 2>&1)
  code=$?
  # --plain exits 0 only once every line it sent was acknowledged by the server.
  [ "$code" -eq 0 ] && pass "piazza --plain sends to a running server (exit 0)" || fail "piazza --plain: exit $code: $out"
else
  cat "$work/server.log"; fail "server for the --plain session did not start"
fi

finish
