# Shared by bench/run.sh and bench/run-history.sh (sourced, not run).

wait_for_port() { # port: poll until something accepts on 127.0.0.1:port (at most 30 s)
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listening on 127.0.0.1:$1" >&2
  return 1
}

# Median of every numeric field over the RESULT lines on stdin; loss counters are summed instead, so that
# one bad run cannot hide behind two good ones.
medians() {
  awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); k = kv[1]
        if (!(k in seen)) { seen[k] = 1; order[++n] = k }
        values[k, ++count[k]] = kv[2] } }
    END {
      line = "MEDIAN"
      for (j = 1; j <= n; j++) {
        k = order[j]; c = count[k]
        if (k ~ /^(lost|seq_gaps|disconnected|rejected)$/) {
          s = 0; for (a = 1; a <= c; a++) s += values[k, a]; line = line " " k "_sum=" s
        } else if (values[k, 1] ~ /^-?[0-9.]+$/) {
          for (a = 1; a <= c; a++) sorted[a] = values[k, a] + 0
          for (a = 2; a <= c; a++) { x = sorted[a]; b = a - 1; while (b > 0 && sorted[b] > x) { sorted[b + 1] = sorted[b]; b-- } sorted[b + 1] = x }
          line = line " " k "=" sorted[int((c + 1) / 2)]
        } else {
          line = line " " k "=" values[k, 1]
        }
      }
      print line " runs=" c
    }'
}
