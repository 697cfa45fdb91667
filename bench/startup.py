#!/usr/bin/env python3
"""Start-to-listening: process start until /healthz answers 200, and until the 'Web client on' line.
Variants run interleaved (A B C A B C ...) so background load hits them alike; loopback only. Usage (docs/benchmarks.md):
  bench/startup.py RUNS NAME=CMD..."""
import os, shutil, signal, statistics, subprocess, sys, tempfile, threading, time, urllib.request

runs = int(sys.argv[1])
variants = [a.split('=', 1) for a in sys.argv[2:]]
port_http, port_tcp = 17081, 17071
results = {n: ([], []) for n, _ in variants}

def once(cmd, data):
    args = cmd.split() + ['--data', data, '--bind', '127.0.0.1', '--port', str(port_tcp), '--http-port', str(port_http), '--irc-port', '-1']
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line_at = [None]
    def reader():
        for line in p.stdout:
            if line_at[0] is None and 'Web client on' in line:
                line_at[0] = time.perf_counter() - t0
    th = threading.Thread(target=reader, daemon=True); th.start()
    healthy = None
    while time.perf_counter() - t0 < 30:
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port_http}/healthz', timeout=1) as r:
                if r.status == 200:
                    healthy = time.perf_counter() - t0; break
        except Exception:
            time.sleep(0.005)
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=15); th.join(2)
    if rc != 0 or healthy is None:
        raise SystemExit(f'{cmd}: exit {rc}, healthy {healthy}')
    return healthy, line_at[0]

for name, cmd in variants:  # warm-up: creates the database, fills the page cache, unpacks the native library
    d = tempfile.mkdtemp(prefix='piazza-startup-'); once(cmd, d); results[name] = ([], []); results[name + '#data'] = d
for i in range(runs):
    for name, cmd in variants:
        h, l = once(cmd, results[name + '#data'])
        results[name][0].append(h); results[name][1].append(l)
for name, cmd in variants:
    h, l = results[name]
    print(f'{name}: /healthz 200 median {statistics.median(h)*1000:.0f} ms (min {min(h)*1000:.0f}, max {max(h)*1000:.0f}); '
          f'listening line median {statistics.median(l)*1000:.0f} ms; n={len(h)}; {cmd}')
    shutil.rmtree(results[name + '#data'], ignore_errors=True)
