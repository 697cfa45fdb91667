"""Baseline peer for bench/files.sh: serves GET from a folder and stores PUT bodies there (write + fsync)."""
import http.server
import os
import sys

PORT, ROOT = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=ROOT, **kwargs)

    def do_PUT(self):
        left = int(self.headers["Content-Length"])
        path = os.path.join(ROOT, os.path.basename(self.path))
        with open(path + ".part", "wb") as out:
            while left > 0:
                chunk = self.rfile.read(min(left, 1 << 20))
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(path + ".part", path)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
