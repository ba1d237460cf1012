#!/usr/bin/env python3
"""A loopback HTTP server for prep obtain's tests (no internet needed).

Serves the files of DIR by their base name (any path ending in NAME serves DIR/NAME, so recipe
URLs keep their real paths under --mirror), on 127.0.0.1 and a free port it prints as the first
line of stdout. Supports `Range: bytes=N-` (206 / 416). Misbehaviours, per file name:
  --cut NAME:BYTES   the first GET of NAME sends its full Content-Length, then BYTES bytes, then
                     closes the connection (later GETs, e.g. a resume, are served normally)
  --stall NAME       every GET of NAME sends its headers and 100 bytes, then goes silent for up to
                     --stall-seconds (default 20) before closing
  --html NAME        NAME is served as text/html (a login page where an archive was expected)
  --no-range NAME    NAME is always served whole with 200, whatever the Range header says
Missing names answer 404. --log FILE appends one line per request: `GET /path range status`.
Only the test that started it talks to it; it stops when its stdin closes or it is killed.
"""
import argparse, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--cut", action="append", default=[])
ap.add_argument("--stall", action="append", default=[])
ap.add_argument("--html", action="append", default=[])
ap.add_argument("--no-range", action="append", default=[])
ap.add_argument("--stall-seconds", type=float, default=20)
ap.add_argument("--log")
args = ap.parse_args()
cuts = {c.rsplit(":", 1)[0]: int(c.rsplit(":", 1)[1]) for c in args.cut}
lock = threading.Lock()


def log(line):
    if args.log:
        with lock, open(args.log, "a") as f:
            f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        name = self.path.split("?")[0].rstrip("/").split("/")[-1]
        path = os.path.join(args.dir, name)
        rng = self.headers.get("Range", "-")
        if not name or not os.path.isfile(path):
            log(f"GET {self.path} {rng} 404")
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        data = open(path, "rb").read()
        start = 0
        if rng.startswith("bytes=") and rng.endswith("-") and name not in args.no_range:
            start = int(rng[6:-1])
            if start >= len(data):
                log(f"GET {self.path} {rng} 416")
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        status = 206 if start else 200
        with lock:
            cut = cuts.pop(name, None)
        log(f"GET {self.path} {rng} {status}{' cut' if cut is not None else ''}{' stall' if name in args.stall else ''}")
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if name in args.html else "application/octet-stream")
        self.send_header("Content-Length", str(len(data) - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if cut is not None:
            self.wfile.write(data[start:start + cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if name in args.stall:
            self.wfile.write(data[start:start + 100])
            self.wfile.flush()
            time.sleep(args.stall_seconds)
            self.close_connection = True
            return
        self.wfile.write(data[start:])


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
# Stop with the test: when the parent closes our stdin (or dies), exit.
sys.stdin.read()
server.shutdown()
