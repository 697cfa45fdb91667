#!/usr/bin/env bash
# File transfer throughput on loopback: a 100 MB random file uploaded with tus (POST + one PATCH, the server
# verifies SHA-256 and stores it content-addressed) and downloaded (GET /api/files/{id}), with curl, RUNS times;
# prints the median of each. Baselines measured in the same run on the same file: python3 http.server GET, a
# minimal python PUT receiver that writes and fsyncs (bench/files_peer.py), sha256sum, and cp+sync.
#
#   bench/files.sh            # RUNS=5, SIZE_MB=100
# Environment: HTTP_PORT (18180), PEER_PORT (18181), RUNS (5), SIZE_MB (100).
set -euo pipefail

cd "$(dirname "$0")/.."
HTTP_PORT=${HTTP_PORT:-18180}
PEER_PORT=${PEER_PORT:-18181}
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-100}
OUT=$(mktemp -d /tmp/piazza-files-bench.XXXXXX)
SERVER_DLL=src/Piazza.Server/bin/Release/net10.0/piazza-server.dll
SERVER_PID=
PEER_PID=

cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT

dotnet build src/Piazza.Server -c Release -v q -nologo >/dev/null
head -c $((SIZE_MB * 1000 * 1000)) /dev/urandom > "$OUT/file.bin"
SIZE=$(stat -c %s "$OUT/file.bin")
SHA=$(sha256sum "$OUT/file.bin" | cut -d' ' -f1)

dotnet "$SERVER_DLL" --port 0 --bind 127.0.0.1 --http-port "$HTTP_PORT" --irc-port -1 --data "$OUT/data" --console false \
    --max-file-bytes $((SIZE + 1)) </dev/null >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
mkdir -p "$OUT/peer"
python3 bench/files_peer.py "$PEER_PORT" "$OUT/peer" >"$OUT/peer.log" 2>&1 &
PEER_PID=$!
BASE="http://127.0.0.1:$HTTP_PORT"
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && curl -sf "http://127.0.0.1:$PEER_PORT/" -o /dev/null && break; sleep 0.2; done

TOKEN=$(curl -sf -X POST "$BASE/api/register" -H 'Content-Type: application/json' -d '{"user":"bench","password":"bench-password"}' |
    python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
AUTH="Authorization: Bearer $TOKEN"
META="filename $(printf 'bench.bin' | base64 -w0),sha256 $(printf '%s' "$SHA" | base64 -w0)"

mbps() { python3 -c "print(f'{$SIZE / $1 / 1e6:.1f}')"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for run in $(seq 1 "$RUNS"); do
    start=$(date +%s.%N)
    LOCATION=$(curl -sf -D - -o /dev/null -X POST "$BASE/api/uploads" -H "$AUTH" -H "Tus-Resumable: 1.0.0" \
        -H "Upload-Length: $SIZE" -H "Upload-Metadata: $META" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    FILE_ID=$(curl -sf -D - -o /dev/null -X PATCH "$BASE$LOCATION" -H "$AUTH" -H "Tus-Resumable: 1.0.0" -H "Upload-Offset: 0" \
        -H "Content-Type: application/offset+octet-stream" -T "$OUT/file.bin" | tr -d '\r' | awk 'tolower($1)=="piazza-file-id:" {print $2}')
    end=$(date +%s.%N)
    echo "$end - $start" | bc >>"$OUT/up"
    curl -sf -H "$AUTH" "$BASE/api/files/$FILE_ID" -o /dev/null -w '%{time_total}\n' >>"$OUT/down"
    if [ "$run" = 1 ]; then
        GOT=$(curl -sf -H "$AUTH" "$BASE/api/files/$FILE_ID" | sha256sum | cut -d' ' -f1)
        [ "$GOT" = "$SHA" ] || { echo "download differs from upload" >&2; exit 1; }
    fi
    curl -sf -X DELETE -H "$AUTH" "$BASE/api/files/$FILE_ID"

    curl -sf -T "$OUT/file.bin" "http://127.0.0.1:$PEER_PORT/file.bin" -o /dev/null -w '%{time_total}\n' >>"$OUT/peer_up"
    curl -sf "http://127.0.0.1:$PEER_PORT/file.bin" -o /dev/null -w '%{time_total}\n' >>"$OUT/peer_down"
    { /usr/bin/time -f %e sha256sum "$OUT/file.bin" >/dev/null; } 2>>"$OUT/sha"
    { /usr/bin/time -f %e sh -c "cp '$OUT/file.bin' '$OUT/copy.bin' && sync '$OUT/copy.bin'"; } 2>>"$OUT/cp"
    rm -f "$OUT/copy.bin"
done

printf '%-44s %10s %10s\n' "$SIZE_MB MB file, loopback, median of $RUNS" "seconds" "MB/s"
for row in "up:Piazza upload (tus POST + one PATCH, verified)" "down:Piazza download (GET /api/files/{id})" \
           "peer_up:python PUT receiver (write + fsync)" "peer_down:python http.server GET" \
           "sha:sha256sum of the file" "cp:cp + sync of the file"; do
    key=${row%%:*}; label=${row#*:}
    m=$(median <"$OUT/$key")
    printf '%-44s %10.3f %10s\n' "$label" "$m" "$(mbps "$m")"
done
